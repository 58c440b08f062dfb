package org.mailgate.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.tomlj.TomlTable;

/**
 * A password the config names but never holds: from a file (its first line, stripped) or an
 * environment variable, one of the two, read when the config is loaded so a missing one is a
 * config error with its line.
 */
final class Passwords {
    private Passwords() {}

    /** The password of {@code file} or {@code env}; null when the table gives neither. */
    static String read(TomlReader r, TomlTable t, Values v, Key<Path> file, Key<String> env) throws ConfigException {
        if (v.get(file) != null && v.get(env) != null) {
            throw new ConfigException(r.at(t.inputPositionOf(env.name())) + file.path().substring(0, file.path().lastIndexOf('.'))
                    + ": password-file and password-env are exclusive: give one");
        }
        if (v.get(file) != null) {
            try {
                return Files.readString(v.get(file)).strip();
            } catch (IOException e) {
                throw new ConfigException(r.at(t.inputPositionOf(file.name())) + file.path() + ": cannot read " + v.get(file) + ": " + e.getMessage());
            }
        }
        if (v.get(env) != null) {
            String password = System.getenv(v.get(env));
            if (password == null || password.isEmpty()) {
                throw new ConfigException(r.at(t.inputPositionOf(env.name())) + env.path() + ": the environment variable " + v.get(env) + " is not set");
            }
            return password;
        }
        return null;
    }
}
