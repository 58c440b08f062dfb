package org.mailgate.config;

import java.nio.file.Path;
import java.util.Map;
import org.tomlj.TomlTable;

/**
 * Where the queue, the users and the shared counters live, the config file's [storage] table:
 * files in the data directory (the default), or one PostgreSQL database that several nodes share.
 *
 * @param url a JDBC URL, jdbc:postgresql://HOST:PORT/DB; null for files
 * @param password from password-file or password-env, never the config file itself; null for none
 * @param node this node's name in the shared store (who holds a message's lease); empty: the hostname
 * @param poolSize connections to the database this node keeps at most
 * @param passwordFile where the password came from, for the audit of its permissions; null for none or the environment
 */
public record StorageConfig(Kind kind, String url, String user, String password, String node, int poolSize, Path passwordFile) {
    public enum Kind { FILE, POSTGRES }

    static final Table TABLE = new Table("storage");
    static final Key<Kind> KIND = TABLE.key("kind", ValueType.choice("\"file\" or \"postgres\"", Map.of("file", Kind.FILE, "postgres", Kind.POSTGRES)),
            Kind.FILE);
    static final Key<String> URL = TABLE.key("url", ValueType.string("a JDBC URL, jdbc:postgresql://HOST:PORT/DATABASE"), null);
    static final Key<String> USER = TABLE.key("user", ValueType.string("a database user name"), null);
    static final Key<Path> PASSWORD_FILE = TABLE.key("password-file", ValueType.path("a file path"), null);
    static final Key<String> PASSWORD_ENV = TABLE.key("password-env", ValueType.string("an environment variable name"), null);
    static final Key<String> NODE = TABLE.key("node", ValueType.string("a name for this node, such as \"mx1\""), "");
    static final Key<Integer> POOL_SIZE = TABLE.key("pool-size", ValueType.POSITIVE, 10);

    public static final StorageConfig FILE = new StorageConfig(Kind.FILE, null, null, null, "", 10, null);

    static final ValueType<StorageConfig> READ = (r, parent, key) -> {
        TomlTable t = r.table(parent, key.name());
        Values v = TABLE.read(r, t);
        String password = Passwords.read(r, t, v, PASSWORD_FILE, PASSWORD_ENV);
        if (v.get(KIND) == Kind.FILE) {
            for (Key<?> only : new Key<?>[] {URL, USER, PASSWORD_FILE, PASSWORD_ENV}) {
                if (v.get(only) != null) {
                    throw new ConfigException(r.at(t.inputPositionOf(only.name())) + only.path() + ": only for kind = \"postgres\"");
                }
            }
        } else {
            if (v.get(URL) == null) {
                throw new ConfigException(r.at(t.inputPositionOf(KIND.name())) + "storage: kind = \"postgres\" needs url = \"jdbc:postgresql://HOST:PORT/DATABASE\"");
            }
            if (!v.get(URL).startsWith("jdbc:postgresql://")) {
                throw new ConfigException(r.at(t.inputPositionOf(URL.name())) + URL.path() + ": expected a JDBC URL, jdbc:postgresql://HOST:PORT/DATABASE, got \""
                        + v.get(URL) + "\"");
            }
            if (v.get(USER) == null) {
                throw new ConfigException(r.at(t.inputPositionOf(KIND.name())) + "storage: kind = \"postgres\" needs user (and password-file or password-env)");
            }
        }
        return new StorageConfig(v.get(KIND), v.get(URL), v.get(USER), password, v.get(NODE), v.get(POOL_SIZE), v.get(PASSWORD_FILE));
    };

    /** This node's name: {@code node}, or the hostname when that is empty. */
    public String nodeName(String hostname) {
        return node.isEmpty() ? hostname : node;
    }

    @Override
    public String toString() {
        return "StorageConfig[kind=" + kind + ", url=" + url + ", user=" + user + ", password=" + (password == null ? "none" : "(hidden)")
                + ", node=" + node + ", poolSize=" + poolSize + "]";
    }
}
