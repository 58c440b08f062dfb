package org.mailgate.spool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes received messages durable in batches: one commit thread takes every message waiting,
 * fsyncs their files together (the filesystem journal merges them), renames them from
 * {@code incoming/} into {@code queue/} and covers all the renames with one directory fsync.
 * Only then is each message's commit complete, and its 250 sent. This group commit is what keeps
 * durability from capping throughput.
 */
final class GroupCommit implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GroupCommit.class);
    private static final int MAX_BATCH = 512;

    private record Pending(IncomingMessage message, CompletableFuture<Void> done) {}

    private final Path queue;
    private final DirectorySync queueSync;
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    // fsync blocks in the kernel: enough platform threads that a batch's fsyncs run together and
    // the filesystem journal commits them at once (16 threads: ~1,700 msg/s at 50 sessions; 64: ~3,500).
    private final ExecutorService syncers = Executors.newFixedThreadPool(64, Thread.ofPlatform().name("spool-sync-", 0).daemon(true).factory());
    private final CommitBatches<Pending> batches;
    private final AtomicLong directorySyncs = new AtomicLong();

    GroupCommit(Path queue, DirectorySync queueSync) {
        this.queue = queue;
        this.queueSync = queueSync;
        this.batches = new CommitBatches<>("spool-commit", MAX_BATCH, this::commitBatch);
    }

    CompletableFuture<Void> commit(IncomingMessage message) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (!batches.offer(new Pending(message, done))) {
            done.completeExceptionally(new IOException("spool closed"));
        }
        return done;
    }

    void onCommit(Consumer<String> listener) {
        listeners.add(listener);
    }

    /** How many batches were made durable: fewer than the messages when sessions shared fsyncs. */
    long directorySyncs() {
        return directorySyncs.get();
    }

    private void commitBatch(List<Pending> batch) {
        List<Future<?>> writes = new ArrayList<>(batch.size());
        for (Pending p : batch) {
            writes.add(syncers.submit(() -> {
                p.message().writeAndForce();
                return null;
            }));
        }
        List<Pending> written = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            Pending p = batch.get(i);
            try {
                writes.get(i).get();
                Files.move(p.message().file(), queue.resolve(p.message().id()), StandardCopyOption.ATOMIC_MOVE);
                written.add(p);
            } catch (ExecutionException | IOException e) {
                Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                log.error("{}: not queued: {}", p.message().id(), cause.toString());
                p.message().discard();
                p.done().completeExceptionally(cause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the loop stops after this batch; what it holds is not acknowledged
                p.message().discard();
                p.done().completeExceptionally(new IOException("spool commit interrupted", e));
            }
        }
        try {
            queueSync.sync(); // also covers removals waiting at the same moment
            directorySyncs.incrementAndGet();
            written.forEach(p -> p.done().complete(null));
            for (Pending p : written) {
                listeners.forEach(listener -> listener.accept(p.message().id()));
            }
        } catch (IOException e) {
            log.error("queue directory fsync failed, {} messages not acknowledged: {}", written.size(), e.toString());
            for (Pending p : written) {
                deleteQuietly(queue.resolve(p.message().id()));
                p.done().completeExceptionally(e);
            }
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.error("cannot remove {}: {}", file, e.toString());
        }
    }

    /** Commits what is waiting, then stops. */
    @Override
    public void close() {
        batches.close();
        syncers.shutdown();
    }
}
