package org.mailgate.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A folder in the data directory through which a command (another process) leaves the running
 * server a file: each written whole under a hidden name and renamed into place, so the server
 * never reads half of one, and one per file, so two admins never overwrite each other.
 */
record DropFolder(Path folder) {

    /** Writes {@code content} as {@code name}, atomically. */
    void put(String name, String content) throws IOException {
        Files.createDirectories(folder, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path temporary = folder.resolve("." + UUID.randomUUID());
        Files.writeString(temporary, content, StandardCharsets.UTF_8);
        Files.move(temporary, folder.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    /** The files whose names end in {@code suffix}, in name order; none when the folder is not there yet. */
    List<Path> waiting(String suffix) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(folder, "*" + suffix)) {
            stream.forEach(files::add);
        }
        files.sort(null);
        return files;
    }
}
