package org.mailgate.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * A small text file in the data directory that the CLI and the running server both change (the
 * users, the bans): changes run under an exclusive lock, and the new text is written to a
 * temporary file, fsynced and renamed over the old, so a reader never sees half a file.
 */
public final class LockedTextFile {
    private final Path path;

    public LockedTextFile(Path path) {
        this.path = path;
    }

    public Path path() {
        return path;
    }

    /** The lines, or none when the file does not exist. */
    public List<String> lines() throws IOException {
        return Files.exists(path) ? Files.readAllLines(path, StandardCharsets.UTF_8) : List.of();
    }

    /** What a file's lines hold, read or refused with the line that is wrong. */
    @FunctionalInterface
    public interface Parser<T> {
        List<T> parse(List<String> lines) throws IOException;
    }

    /**
     * Applies {@code change} to the whole text under an exclusive lock and writes the result. The
     * file lock keeps other processes out; synchronized keeps this one's threads in turn (a JVM
     * holds one file lock, which a second thread's request would find overlapping, not wait for).
     */
    public synchronized void update(UnaryOperator<List<String>> change) throws IOException {
        if (!Files.isDirectory(path.getParent())) { // the data directory: private, like everything in it
            Files.createDirectories(path.getParent(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        try (FileChannel lockChannel = FileChannel.open(path.resolveSibling(path.getFileName() + ".lock"),
                        StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = lockChannel.lock()) {
            replace(String.join("\n", change.apply(lines())) + "\n");
        }
    }

    /** As above, on the records the lines hold: parsed, changed, and formatted back into lines. */
    public <T> void update(Parser<T> parser, UnaryOperator<List<T>> change, Function<List<T>, List<String>> format) throws IOException {
        try {
            update(lines -> {
                try {
                    return format.apply(change.apply(new ArrayList<>(parser.parse(lines))));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private void replace(String text) throws IOException {
        Path temporary = path.resolveSibling(path.getFileName() + ".tmp");
        Files.deleteIfExists(temporary);
        Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
            channel.write(StandardCharsets.UTF_8.encode(text));
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
