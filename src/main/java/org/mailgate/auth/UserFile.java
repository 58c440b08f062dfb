package org.mailgate.auth;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The user file in the data directory, one user a line, in the spirit of Dovecot's passwd-file:
 * {@code address:hash:alias,alias:sender=own|any}, changed under a lock and replaced whole
 * ({@link LockedTextFile}), so a reader (the running server) never sees half a file.
 */
public final class UserFile implements UserStore {
    public static final String NAME = "users";

    private final LockedTextFile file;

    public UserFile(Path dataDir) {
        this.file = new LockedTextFile(dataDir.resolve(NAME));
    }

    public Path path() {
        return file.path();
    }

    @Override
    public List<User> read() throws IOException {
        return parse(file.lines());
    }

    private List<User> parse(List<String> lines) throws IOException {
        List<User> users = new ArrayList<>();
        int lineNumber = 0;
        for (String line : lines) {
            lineNumber++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.split(":", -1);
            if (fields.length != 4 || !fields[0].contains("@") || !fields[3].matches("sender=(own|any)")) {
                throw new IOException(path() + ":" + lineNumber + ": expected address:hash:aliases:sender=own|any");
            }
            List<String> aliases = fields[2].isEmpty() ? List.of() : Arrays.asList(fields[2].split(","));
            users.add(new User(fields[0], fields[1], aliases, fields[3].equals("sender=any")));
        }
        return users;
    }

    /** Applies {@code change} to the users under the file's lock and writes the result. */
    @Override
    public void update(UnaryOperator<List<User>> change) throws IOException {
        file.update(this::parse, change, UserFile::format);
    }

    /** The file's modification time, size and inode: what changes when it is replaced. */
    @Override
    public Object version() throws IOException {
        return FileStamp.of(path());
    }

    @Override
    public String describe() {
        return path().toString();
    }

    private static List<String> format(List<User> users) {
        List<String> lines = new ArrayList<>();
        lines.add("# Mailgate users: address:password-hash:aliases:sender-policy");
        for (User user : users) {
            lines.add(user.address() + ':' + user.passwordHash() + ':' + String.join(",", user.aliases()) + ':'
                    + (user.anySender() ? "sender=any" : "sender=own"));
        }
        return lines;
    }
}
