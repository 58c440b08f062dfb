package org.mailgate.spool;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The loop behind a group commit: one thread takes everything waiting, up to a batch's size, and
 * hands it to the commit at once, so the sessions that arrive together share one durable write
 * (the file spool's fsyncs, the database's transaction).
 */
public final class CommitBatches<T> implements AutoCloseable {
    private final LinkedBlockingQueue<T> pending = new LinkedBlockingQueue<>();
    private final int maxBatch;
    private final Consumer<List<T>> commit;
    private final Thread committer;
    private volatile boolean running = true;

    public CommitBatches(String threadName, int maxBatch, Consumer<List<T>> commit) {
        this.maxBatch = maxBatch;
        this.commit = commit;
        this.committer = Thread.ofPlatform().name(threadName).daemon(false).start(this::loop);
    }

    /** Queues an item for the next batch; false once closed. */
    public boolean offer(T item) {
        if (!running) {
            return false;
        }
        pending.add(item);
        return true;
    }

    private void loop() {
        List<T> batch = new ArrayList<>();
        while (running || !pending.isEmpty()) {
            try {
                T first = pending.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                pending.drainTo(batch, maxBatch - 1);
                commit.accept(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                batch.clear();
            }
        }
    }

    /** Commits what is waiting, then stops. */
    @Override
    public void close() {
        running = false;
        try {
            committer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
