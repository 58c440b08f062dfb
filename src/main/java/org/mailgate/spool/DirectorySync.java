package org.mailgate.spool;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Makes a directory's entries durable (fsync of the directory), shared between concurrent
 * callers: whoever asks while an fsync runs is covered by the next one, which serves all who
 * asked meanwhile. Deliveries that create journals or remove finished messages at the same time
 * thus pay for one directory fsync, not one each.
 */
final class DirectorySync {
    private final Path directory;
    private final ReentrantLock syncing = new ReentrantLock();
    private final Object counters = new Object();
    private long requested;
    private long completed;

    DirectorySync(Path directory) {
        this.directory = directory;
    }

    /** Returns once an fsync of the directory that began after this call has finished. */
    void sync() throws IOException {
        long ticket;
        synchronized (counters) {
            ticket = ++requested;
        }
        syncing.lock();
        try {
            long covered;
            synchronized (counters) {
                if (completed >= ticket) {
                    return; // an fsync that started after our request has finished meanwhile
                }
                covered = requested;
            }
            force(directory);
            synchronized (counters) {
                completed = covered;
            }
        } finally {
            syncing.unlock();
        }
    }

    static void force(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
