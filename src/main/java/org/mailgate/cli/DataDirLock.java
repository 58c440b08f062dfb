package org.mailgate.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.mailgate.spool.PrivateFiles;

/**
 * One server per data directory: two would deliver the same message at once. `serve` holds an
 * exclusive lock on {@code DATA/serve.lock} (which names its pid) for as long as it runs; the
 * operating system releases it when the process ends, however it ends, so a crash leaves no
 * stale lock. The CLI's other commands take no lock: they work beside a running server.
 */
final class DataDirLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock, or fails naming the process that holds it. */
    static DataDirLock acquire(Path dataDir) throws IOException {
        if (!Files.isDirectory(dataDir)) {
            PrivateFiles.directories(dataDir); // new: private; an existing one keeps the mode its admin gave it
        }
        Path file = dataDir.resolve("serve.lock");
        FileChannel channel = PrivateFiles.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException heldByThisProcess) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
            String holder = Files.readString(file, StandardCharsets.US_ASCII).strip();
            throw new CommandFailure("another Mailgate is already running on " + dataDir
                    + (holder.isEmpty() ? "" : " (pid " + holder + ")") + ": stop it first, or use another --data-dir");
        }
        channel.truncate(0);
        channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
        channel.force(false);
        return new DataDirLock(channel, lock);
    }

    /** Whether a server holds the lock on {@code dataDir} now. */
    static boolean held(Path dataDir) throws IOException {
        Path file = dataDir.resolve("serve.lock");
        if (!Files.exists(file)) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                return true;
            }
            lock.release();
            return false;
        } catch (OverlappingFileLockException heldByThisProcess) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        lock.release();
        channel.close();
    }
}
