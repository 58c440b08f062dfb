package org.mailgate.auth;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The user file in the data directory, one user a line, in the spirit of Dovecot's passwd-file:
 * {@code address:hash:alias,alias:sender=own|any}. Written whole to a temporary file, fsynced and
 * renamed, so a reader (the running server) never sees half a file.
 */
public final class UserFile {
    public static final String NAME = "users";

    private final Path path;

    public UserFile(Path dataDir) {
        this.path = dataDir.resolve(NAME);
    }

    public Path path() {
        return path;
    }

    public List<User> read() throws IOException {
        if (!Files.exists(path)) {
            return List.of();
        }
        List<User> users = new ArrayList<>();
        int lineNumber = 0;
        for (String line : Files.readAllLines(path, StandardCharsets.UTF_8)) {
            lineNumber++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.split(":", -1);
            if (fields.length != 4 || !fields[0].contains("@") || !fields[3].matches("sender=(own|any)")) {
                throw new IOException(path + ":" + lineNumber + ": expected address:hash:aliases:sender=own|any");
            }
            List<String> aliases = fields[2].isEmpty() ? List.of() : Arrays.asList(fields[2].split(","));
            users.add(new User(fields[0], fields[1], aliases, fields[3].equals("sender=any")));
        }
        return users;
    }

    /** Applies {@code change} to the users under an exclusive lock and writes the result. */
    public void update(UnaryOperator<List<User>> change) throws IOException {
        Files.createDirectories(path.getParent());
        try (FileChannel lockChannel = FileChannel.open(path.resolveSibling(NAME + ".lock"),
                        StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = lockChannel.lock()) {
            write(change.apply(new ArrayList<>(read())));
        }
    }

    private void write(List<User> users) throws IOException {
        StringBuilder text = new StringBuilder("# Mailgate users: address:password-hash:aliases:sender-policy\n");
        for (User user : users) {
            text.append(user.address()).append(':').append(user.passwordHash()).append(':')
                    .append(String.join(",", user.aliases())).append(':')
                    .append(user.anySender() ? "sender=any" : "sender=own").append('\n');
        }
        Path temporary = path.resolveSibling(NAME + ".tmp");
        Files.deleteIfExists(temporary);
        Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
            channel.write(StandardCharsets.UTF_8.encode(text.toString()));
            channel.force(true);
        }
        try {
            Files.move(temporary, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot replace " + path + " atomically", e);
        }
        try (FileChannel directory = FileChannel.open(path.getParent(), StandardOpenOption.READ)) {
            directory.force(true);
        }
    }
}
