package org.mailgate.spool;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Mail is private: the queue and the mailboxes are created readable by the server's user only
 * (files 0600, directories 0700), whatever the umask, as the users file and keys already are.
 */
public final class PrivateFiles {
    private static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final FileAttribute<Set<PosixFilePermission>> FILE = PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString("rw-------"));

    private PrivateFiles() {}

    /** Creates the directory and any missing parents 0700; an existing one is narrowed to 0700 (left by an older version). */
    public static Path directories(Path directory) throws IOException {
        if (Files.isDirectory(directory)) {
            Files.setPosixFilePermissions(directory, DIRECTORY);
            return directory;
        }
        return Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(DIRECTORY));
    }

    /** Opens the file for writing, creating it 0600 if it does not exist ({@code CREATE_NEW} or {@code CREATE} among the options). */
    public static FileChannel open(Path file, OpenOption... options) throws IOException {
        return FileChannel.open(file, Set.of(options), FILE);
    }

    /** Writes a small file, created 0600. */
    public static void writeString(Path file, String text) throws IOException {
        try (FileChannel channel = open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            channel.write(java.nio.charset.StandardCharsets.UTF_8.encode(text));
        }
    }
}
