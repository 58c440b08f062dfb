package org.mailgate.spool;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queue on the filesystem: a message is written to {@code incoming/}, fsynced, renamed into
 * {@code queue/}, and the directory fsynced. One commit thread takes every message waiting and
 * makes the whole batch durable at once: the file fsyncs run together (the filesystem journal
 * merges them) and one directory fsync covers all renames. This group commit is what keeps
 * durability from capping throughput.
 */
public final class FileSpool implements Spool {
    private static final Logger log = LoggerFactory.getLogger(FileSpool.class);
    private static final int MAX_BATCH = 512;
    // No envelope comes near this (a 1,000-recipient one is ~500 KB): past it the file is not ours.
    private static final int MAX_ENVELOPE = 64 * 1024 * 1024;

    private record Pending(IncomingMessage message, CompletableFuture<Void> done) {}

    private final Path incoming;
    private final Path queue;
    private final Path journals;
    private final Path corrupt;
    private final Path attention;
    private final DirectorySync queueSync;
    private final DirectorySync journalSync;
    private final List<Consumer<String>> commitListeners = new CopyOnWriteArrayList<>();
    private final LinkedBlockingQueue<Pending> pending = new LinkedBlockingQueue<>();
    // fsync blocks in the kernel: enough platform threads that a batch's fsyncs run together and
    // the filesystem journal commits them at once (16 threads: ~1,700 msg/s at 50 sessions; 64: ~3,500).
    private final ExecutorService syncers = Executors.newFixedThreadPool(64, Thread.ofPlatform().name("spool-sync-", 0).daemon(true).factory());
    private final Thread committer;
    private volatile boolean running = true;
    private final AtomicLong directorySyncs = new AtomicLong();

    /**
     * Opens the spool; with {@code commitThread} false it only reads and deletes (the CLI), and
     * creates no directories, so a mistyped --data-dir shows an empty queue and leaves no trace.
     */
    public FileSpool(Path dataDir, boolean commitThread) throws IOException {
        this.incoming = dataDir.resolve("spool/incoming");
        this.queue = dataDir.resolve("spool/queue");
        this.journals = dataDir.resolve("spool/journal");
        this.corrupt = dataDir.resolve("spool/corrupt");
        this.attention = dataDir.resolve("spool/attention");
        this.queueSync = new DirectorySync(queue);
        this.journalSync = new DirectorySync(journals);
        if (commitThread) {
            PrivateFiles.directories(incoming.getParent());
            PrivateFiles.directories(incoming);
            PrivateFiles.directories(queue);
            PrivateFiles.directories(journals);
            removeIncomplete();
            removeOrphanJournals();
            committer = Thread.ofPlatform().name("spool-commit").daemon(false).start(this::commitLoop);
        } else {
            committer = null;
        }
    }

    /** Files left in incoming/ by a crash were never acknowledged: they go. */
    private void removeIncomplete() throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(incoming)) {
            for (Path file : files) {
                Files.deleteIfExists(file);
                log.info("removed incomplete message {}", file.getFileName());
            }
        }
    }

    /** A journal whose message is gone: the message was deleted between the two unlinks. */
    private void removeOrphanJournals() throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(journals)) {
            for (Path file : files) {
                if (!Files.exists(queue.resolve(file.getFileName()))) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    @Override
    public IncomingMessage begin(SpoolEnvelope envelope, byte[] trace, Function<HeaderSection, String> additions, int maxHeaderSize) {
        return new IncomingMessage(envelope, incoming.resolve(envelope.id()), trace, additions, maxHeaderSize);
    }

    @Override
    public CompletableFuture<Void> commit(IncomingMessage message) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (!running) {
            done.completeExceptionally(new IOException("spool closed"));
        } else {
            pending.add(new Pending(message, done));
        }
        return done;
    }

    private void commitLoop() {
        List<Pending> batch = new ArrayList<>();
        while (running || !pending.isEmpty()) {
            try {
                Pending first = pending.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                pending.drainTo(batch, MAX_BATCH - 1);
                commitBatch(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                batch.clear();
            }
        }
    }

    private void commitBatch(List<Pending> batch) throws InterruptedException {
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
            }
        }
        try {
            queueSync.sync(); // also covers removals waiting at the same moment
            directorySyncs.incrementAndGet();
            written.forEach(p -> p.done().complete(null));
            for (Pending p : written) {
                commitListeners.forEach(listener -> listener.accept(p.message().id()));
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

    /** How many batches were made durable: fewer than the messages when sessions shared fsyncs. */
    public long directorySyncs() {
        return directorySyncs.get();
    }

    @Override
    public List<QueuedMessage> list() throws IOException {
        List<QueuedMessage> messages = new ArrayList<>();
        if (!Files.isDirectory(queue)) {
            return messages;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(queue)) {
            for (Path file : files) {
                try {
                    messages.add(read(file));
                } catch (NoSuchFileException deletedMeanwhile) {
                    // delivered or deleted while we listed
                } catch (IOException unreadable) {
                    unreadable(file.getFileName().toString(), unreadable);
                }
            }
        }
        messages.sort(Comparator.comparing(QueuedMessage::id));
        return messages;
    }

    @Override
    public Optional<QueuedMessage> find(String id) throws IOException {
        if (!QueueIds.isValid(id)) {
            return Optional.empty();
        }
        try {
            return Optional.of(read(queue.resolve(id)));
        } catch (NoSuchFileException absent) {
            return Optional.empty();
        } catch (IOException unreadable) {
            unreadable(id, unreadable);
            return Optional.empty();
        }
    }

    /**
     * A queue file that cannot be decoded never stops the listing or the other messages: the
     * server sets it aside; a read-only reader (the CLI) skips it and says so.
     */
    private void unreadable(String id, IOException e) throws IOException {
        if (committer != null) {
            setAside(id, e.getMessage());
        } else {
            log.warn("{}: cannot be read ({}); the running server sets it aside in {}", id, e.getMessage(), corrupt);
        }
    }

    @Override
    public void setAside(String id, String reason) throws IOException {
        Path file = queue.resolve(id);
        if (!queue.equals(file.getParent()) || !Files.exists(file)) {
            throw new NoSuchFileException(id, null, "no such file in the queue");
        }
        PrivateFiles.directories(corrupt);
        PrivateFiles.writeString(corrupt.resolve(id + ".reason"), reason + "\n");
        Path journal = journals.resolve(id);
        if (Files.exists(journal)) {
            Files.move(journal, corrupt.resolve(id + ".journal"), StandardCopyOption.REPLACE_EXISTING);
        }
        Files.move(file, corrupt.resolve(id), StandardCopyOption.REPLACE_EXISTING);
        queueSync.sync();
        log.error("{}: set aside in {}: {}", id, corrupt, reason);
    }

    @Override
    public List<String> setAside() throws IOException {
        if (!Files.isDirectory(corrupt)) {
            return List.of();
        }
        try (var files = Files.list(corrupt)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(name -> !name.endsWith(".reason") && !name.endsWith(".journal")).sorted().toList();
        }
    }

    @Override
    public InputStream content(String id) throws IOException {
        if (!QueueIds.isValid(id)) {
            throw new NoSuchFileException(id);
        }
        Path file = queue.resolve(id);
        long offset = headLength(file);
        InputStream in = Files.newInputStream(file);
        in.skipNBytes(offset);
        return in;
    }

    @Override
    public boolean delete(String id) throws IOException {
        if (!QueueIds.isValid(id)) {
            return false;
        }
        boolean deleted = Files.deleteIfExists(queue.resolve(id));
        if (deleted) {
            // the message's removal is durable before its journal goes: never a message without its journal
            queueSync.sync();
        }
        Files.deleteIfExists(journals.resolve(id));
        return deleted;
    }

    @Override
    public DeliveryState state(QueuedMessage message) throws IOException {
        byte[] journal;
        try {
            journal = Files.readAllBytes(journals.resolve(message.id()));
        } catch (NoSuchFileException none) {
            journal = new byte[0];
        }
        return DeliveryState.replay(message.envelope(), DeliveryJournal.decode(journal));
    }

    @Override
    public void record(String id, List<QueueEvent> events) throws IOException {
        if (!QueueIds.isValid(id) || !Files.exists(queue.resolve(id))) {
            throw new NoSuchFileException(id, null, "no such message in the queue");
        }
        Path file = journals.resolve(id);
        boolean created = !Files.exists(file);
        // One write with O_APPEND: the server and the CLI may both append, and neither tears the other's line.
        try (FileChannel channel = PrivateFiles.open(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            ByteBuffer buffer = ByteBuffer.wrap(DeliveryJournal.encode(events));
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(false);
        }
        if (created) {
            journalSync.sync();
        }
    }

    @Override
    public void onCommit(Consumer<String> listener) {
        commitListeners.add(listener);
    }

    @Override
    public void requestAttention() throws IOException {
        PrivateFiles.writeString(attention, Long.toString(System.nanoTime()));
    }

    @Override
    public long attentionStamp() {
        try {
            return Files.readString(attention).hashCode();
        } catch (IOException absent) {
            return 0;
        }
    }

    private QueuedMessage read(Path file) throws IOException {
        byte[] head = readHead(file);
        EnvelopeCodec.Decoded decoded = EnvelopeCodec.decode(head, file.toString());
        return new QueuedMessage(decoded.envelope(), Files.size(file) - decoded.contentOffset());
    }

    private long headLength(Path file) throws IOException {
        return EnvelopeCodec.decode(readHead(file), file.toString()).contentOffset();
    }

    /** The envelope block, read up to its empty line however long it is: its size is max-recipients' to choose. */
    private static byte[] readHead(Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 8192)) {
            ByteArrayOutputStream head = new ByteArrayOutputStream(1024);
            int previous = -1;
            int b;
            while ((b = in.read()) >= 0 && head.size() < MAX_ENVELOPE) {
                head.write(b);
                if (b == '\n' && previous == '\n') {
                    break;
                }
                previous = b;
            }
            return head.toByteArray();
        }
    }

    @Override
    public void close() {
        running = false;
        if (committer != null) {
            try {
                committer.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        syncers.shutdown();
    }
}
