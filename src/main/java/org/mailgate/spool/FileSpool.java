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
import java.util.function.Consumer;
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
    // No envelope comes near this (a 1,000-recipient one is ~500 KB): past it the file is not ours.
    private static final int MAX_ENVELOPE = 64 * 1024 * 1024;

    private final Path incoming;
    private final Path queue;
    private final Path journals;
    private final Path corrupt;
    private final Path changes;
    private final DirectorySync queueSync;
    private final DirectorySync journalSync;
    private final GroupCommit groupCommit; // null when read-only

    private FileSpool(Path dataDir, boolean writable) {
        this.incoming = dataDir.resolve("spool/incoming");
        this.queue = dataDir.resolve("spool/queue");
        this.journals = dataDir.resolve("spool/journal");
        this.corrupt = dataDir.resolve("spool/corrupt");
        this.changes = dataDir.resolve("spool/attention");
        this.queueSync = new DirectorySync(queue);
        this.journalSync = new DirectorySync(journals);
        this.groupCommit = writable ? new GroupCommit(queue, queueSync) : null;
    }

    /**
     * The server's spool: creates its folders (private), removes what a crash left unacknowledged,
     * and starts the group commit.
     */
    public static FileSpool open(Path dataDir) throws IOException {
        Path spool = dataDir.resolve("spool");
        for (Path dir : List.of(spool, spool.resolve("incoming"), spool.resolve("queue"), spool.resolve("journal"))) {
            PrivateFiles.directories(dir);
        }
        FileSpool opened = new FileSpool(dataDir, true);
        opened.removeIncomplete();
        opened.removeOrphanJournals();
        return opened;
    }

    /**
     * The CLI's view, beside a running server: reads, changes journals and deletes, never commits
     * and creates no folders, so a mistyped --data-dir shows an empty queue and leaves no trace.
     */
    public static FileSpool openReadOnly(Path dataDir) {
        return new FileSpool(dataDir, false);
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
    public IncomingMessage begin(SpoolEnvelope envelope) {
        return new IncomingMessage(envelope, incoming.resolve(envelope.id()));
    }

    @Override
    public long usableSpace() throws IOException {
        return Files.getFileStore(queue).getUsableSpace();
    }

    @Override
    public CompletableFuture<Void> commit(IncomingMessage message) {
        if (groupCommit == null) {
            return CompletableFuture.failedFuture(new IOException("the spool is open read-only"));
        }
        return groupCommit.commit(message);
    }

    /** How many batches were made durable: fewer than the messages when sessions shared fsyncs. */
    public long directorySyncs() {
        return groupCommit == null ? 0 : groupCommit.directorySyncs();
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
        if (groupCommit != null) {
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
        if (groupCommit != null) {
            groupCommit.onCommit(listener);
        }
    }

    /** Writes a new stamp into {@code spool/attention}, which the server reads every second. */
    @Override
    public void signalChange() throws IOException {
        PrivateFiles.writeString(changes, Long.toString(System.nanoTime()));
    }

    @Override
    public String changeStamp() {
        try {
            return Files.readString(changes);
        } catch (IOException absent) {
            return "";
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
        if (groupCommit != null) {
            groupCommit.close();
        }
    }
}
