package org.mailgate.postgres;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.mailgate.spool.CommitBatches;
import org.mailgate.spool.DeliveryJournal;
import org.mailgate.spool.DeliveryState;
import org.mailgate.spool.EnvelopeCodec;
import org.mailgate.spool.IncomingMessage;
import org.mailgate.spool.MessageState;
import org.mailgate.spool.PrivateFiles;
import org.mailgate.spool.QueueCounts;
import org.mailgate.spool.QueueEvent;
import org.mailgate.spool.QueuedMessage;
import org.mailgate.spool.Spool;
import org.mailgate.spool.SpoolEnvelope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queue in PostgreSQL: a message's envelope, its content (in chunks of 1 MiB) and its
 * journal in rows. A message being received stays in this node's memory, or its receive file
 * when large, until the commit: one thread takes every message waiting and writes the batch in
 * one transaction, so sessions share the commit's WAL flush as the file spool's share an fsync.
 * Only after that commit is the 250 sent; when the database does not commit, no one hears 250.
 */
public final class PostgresSpool implements Spool {
    private static final Logger log = LoggerFactory.getLogger(PostgresSpool.class);
    private static final int CHUNK = 1024 * 1024;
    private static final int MAX_BATCH = 256;

    private record Pending(IncomingMessage message, CompletableFuture<Void> done) {}

    private final Database database;
    private final String node;
    private final Path receiving;
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private final CommitBatches<Pending> committer; // null when read-only
    private final PostgresLeases leases;
    private volatile String lastStamp = "";

    private PostgresSpool(Database database, String node, Path receiving, boolean writable) {
        this.database = database;
        this.node = node;
        this.receiving = receiving;
        this.committer = writable ? new CommitBatches<>("spool-commit", MAX_BATCH, this::commitBatch) : null;
        this.leases = new PostgresLeases(database, node);
    }

    /**
     * The server's spool: messages being received spill to {@code receiving} (this node's, created
     * private); what a crash left there was never acknowledged and goes, and so do the leases a
     * node of this name held before (it died mid-round): its messages are due again at once.
     */
    public static PostgresSpool open(Database database, String node, Path receiving) throws IOException {
        PrivateFiles.directories(receiving);
        try (var files = Files.list(receiving)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
        }
        PostgresSpool spool = new PostgresSpool(database, node, receiving, true);
        spool.leases.releaseAll();
        return spool;
    }

    /** The CLI's view: reads, changes journals and deletes, never commits. */
    public static PostgresSpool openReadOnly(Database database) {
        return new PostgresSpool(database, "cli", null, false);
    }

    @Override
    public IncomingMessage begin(SpoolEnvelope envelope) {
        return new IncomingMessage(envelope, receiving.resolve(envelope.id()));
    }

    /** The room left where this node holds messages being received; the database's own disk is its administrator's to watch. */
    @Override
    public long usableSpace() throws IOException {
        return Files.getFileStore(receiving).getUsableSpace();
    }

    @Override
    public CompletableFuture<Void> commit(IncomingMessage message) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (committer == null) {
            done.completeExceptionally(new IOException("the spool is open read-only"));
        } else if (!committer.offer(new Pending(message, done))) {
            done.completeExceptionally(new IOException("spool closed"));
        }
        return done;
    }

    private void commitBatch(List<Pending> batch) {
        try (Connection c = database.connection()) {
            try (PreparedStatement message = c.prepareStatement(
                    "INSERT INTO message (id, envelope, size, arrival, next_attempt) VALUES (?, ?, ?, ?, ?)");
                    PreparedStatement chunk = c.prepareStatement("INSERT INTO message_chunk (message_id, seq, data) VALUES (?, ?, ?)")) {
                for (Pending p : batch) {
                    IncomingMessage m = p.message();
                    Timestamp arrival = Timestamp.from(m.envelope().arrival());
                    message.setString(1, m.id());
                    message.setBytes(2, EnvelopeCodec.encode(m.envelope()));
                    message.setLong(3, m.contentSize());
                    message.setTimestamp(4, arrival);
                    message.setTimestamp(5, arrival);
                    message.addBatch();
                    try (InputStream content = m.content()) {
                        int seq = 0;
                        byte[] data;
                        while ((data = content.readNBytes(CHUNK)).length > 0 || seq == 0) {
                            chunk.setString(1, m.id());
                            chunk.setInt(2, seq++);
                            chunk.setBytes(3, data);
                            chunk.addBatch();
                            if (data.length < CHUNK) {
                                break;
                            }
                        }
                    }
                }
                message.executeBatch();
                chunk.executeBatch();
                c.commit();
            } catch (SQLException | IOException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException | IOException | RuntimeException e) {
            String why = e instanceof SQLException sql ? Statements.describe(sql) : e.getMessage();
            log.error("the database did not commit {} messages, none acknowledged: {}", batch.size(), why);
            IOException failure = e instanceof SQLException sql ? Statements.failed("commit", sql) : new IOException("the database did not commit: " + why, e);
            for (Pending p : batch) {
                p.message().discard();
                p.done().completeExceptionally(failure);
            }
            return;
        }
        for (Pending p : batch) {
            p.message().discard(); // the receive file, now in the database
            p.done().complete(null);
        }
        for (Pending p : batch) {
            listeners.forEach(listener -> listener.accept(p.message().id()));
        }
    }

    /** A message's row, its envelope still encoded: one that does not decode is set aside, not the listing's end. */
    private record Stored(String id, byte[] envelope, long size) {}

    private static final String STORED = "SELECT id, envelope, size FROM message WHERE set_aside IS NULL";

    private static Stored stored(ResultSet row) throws SQLException {
        return new Stored(row.getString(1), row.getBytes(2), row.getLong(3));
    }

    @Override
    public List<QueuedMessage> list() throws IOException {
        List<QueuedMessage> messages = new ArrayList<>();
        for (Stored row : query(STORED + " ORDER BY id", statement -> {}, PostgresSpool::stored)) {
            decoded(row).ifPresent(messages::add);
        }
        return messages;
    }

    @Override
    public Optional<QueuedMessage> find(String id) throws IOException {
        List<Stored> rows = query(STORED + " AND id = ?", statement -> statement.setString(1, id), PostgresSpool::stored);
        return rows.isEmpty() ? Optional.empty() : decoded(rows.getFirst());
    }

    /** As in the file spool: the server sets an undecodable message aside, the CLI skips it and says so. */
    private Optional<QueuedMessage> decoded(Stored row) throws IOException {
        try {
            return Optional.of(new QueuedMessage(EnvelopeCodec.decode(row.envelope(), "message " + row.id()).envelope(), row.size()));
        } catch (IOException e) {
            if (committer != null) {
                setAside(row.id(), e.getMessage());
            } else {
                log.warn("{}: cannot be read ({}); the running server sets it aside", row.id(), e.getMessage());
            }
            return Optional.empty();
        }
    }

    private record FirstChunk(byte[] data, int chunks) {}

    /** The chunks one at a time, each fetched when the reader reaches it: a large message is never all in memory. */
    @Override
    public InputStream content(String id) throws IOException {
        FirstChunk first = query("SELECT data, (SELECT count(*) FROM message_chunk WHERE message_id = ?) FROM message_chunk"
                + " WHERE message_id = ? AND seq = 0", statement -> {
                    statement.setString(1, id);
                    statement.setString(2, id);
                }, row -> new FirstChunk(row.getBytes(1), row.getInt(2))).stream().findFirst()
                .orElseThrow(() -> new NoSuchFileException(id, null, "no such message in the queue"));
        return new InputStream() {
            private int next = 1;
            private InputStream current = new ByteArrayInputStream(first.data());

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int n;
                while ((n = current.read(buffer, offset, length)) < 0) {
                    if (next == first.chunks()) {
                        return -1;
                    }
                    current = chunk(id, next++);
                }
                return n;
            }
        };
    }

    private InputStream chunk(String id, int seq) throws IOException {
        byte[] data = query("SELECT data FROM message_chunk WHERE message_id = ? AND seq = ?", statement -> {
            statement.setString(1, id);
            statement.setInt(2, seq);
        }, row -> row.getBytes(1)).stream().findFirst().orElseThrow(() -> new NoSuchFileException(id, null, "deleted while being read"));
        return new ByteArrayInputStream(data);
    }

    @Override
    public void setAside(String id, String reason) throws IOException {
        if (update("UPDATE message SET set_aside = ?, lease_owner = NULL, lease_until = NULL WHERE id = ? AND set_aside IS NULL", statement -> {
            statement.setString(1, reason);
            statement.setString(2, id);
        }) == 0) {
            throw new NoSuchFileException(id, null, "no such message in the queue");
        }
        log.error("{}: set aside in the database: {}", id, reason);
    }

    @Override
    public List<String> setAside() throws IOException {
        return query("SELECT id FROM message WHERE set_aside IS NOT NULL ORDER BY id", statement -> {}, row -> row.getString(1));
    }

    @Override
    public boolean delete(String id) throws IOException {
        return update("DELETE FROM message WHERE id = ?", statement -> statement.setString(1, id)) > 0;
    }

    @Override
    public DeliveryState state(QueuedMessage message) throws IOException {
        byte[] journal = query("SELECT " + JOURNAL + " FROM message m WHERE m.id = ?", statement -> statement.setString(1, message.id()),
                row -> row.getBytes(1)).stream().findFirst().orElse(new byte[0]);
        return DeliveryState.replay(message.envelope(), DeliveryJournal.decode(journal));
    }

    /** A message's whole journal, its entries in order, as one value (for a query over message m). */
    private static final String JOURNAL = "(SELECT coalesce(string_agg(j.lines, ''::bytea ORDER BY j.seq), ''::bytea) FROM journal j WHERE j.message_id = m.id)";

    /** The envelope and the whole journal in one round trip: each delivery round starts here. */
    @Override
    public Optional<MessageState> load(String id) throws IOException {
        record Row(Stored stored, byte[] journal) {}
        List<Row> rows = query("SELECT m.id, m.envelope, m.size, " + JOURNAL + " FROM message m WHERE m.set_aside IS NULL AND m.id = ?",
                statement -> statement.setString(1, id), row -> new Row(stored(row), row.getBytes(4)));
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        Optional<QueuedMessage> message = decoded(rows.getFirst().stored());
        if (message.isEmpty()) {
            return Optional.empty();
        }
        DeliveryState state = DeliveryState.replay(message.get().envelope(), DeliveryJournal.decode(rows.getFirst().journal()));
        return Optional.of(new MessageState(message.get(), state));
    }

    /**
     * Appends to the journal, in one transaction with the message's next attempt: a round's
     * Scheduled event moves it, an admin's retry makes it due now.
     */
    @Override
    public void record(String id, List<QueueEvent> events) throws IOException {
        Optional<Instant> next = Optional.empty();
        Optional<Boolean> held = Optional.empty();
        for (QueueEvent event : events) {
            switch (event) {
                case QueueEvent.Scheduled scheduled -> next = Optional.of(scheduled.next());
                case QueueEvent.RetryNow retry -> next = Optional.of(retry.at());
                case QueueEvent.BounceRequested bounce -> next = Optional.of(bounce.at());
                case QueueEvent.Held h -> held = Optional.of(true);
                case QueueEvent.Released r -> held = Optional.of(false);
                default -> { }
            }
        }
        Optional<Instant> nextAttempt = next;
        Optional<Boolean> nowHeld = held;
        try (Connection c = database.connection()) {
            try {
                try (PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO journal (message_id, lines) SELECT id, ? FROM message WHERE id = ? AND set_aside IS NULL")) {
                    insert.setBytes(1, DeliveryJournal.encode(events));
                    insert.setString(2, id);
                    if (insert.executeUpdate() == 0) {
                        c.rollback();
                        throw new NoSuchFileException(id, null, "no such message in the queue");
                    }
                }
                if (nextAttempt.isPresent() || nowHeld.isPresent()) {
                    try (PreparedStatement move = c.prepareStatement(
                            "UPDATE message SET next_attempt = coalesce(?, next_attempt), held = coalesce(?, held) WHERE id = ?")) {
                        move.setTimestamp(1, nextAttempt.map(Timestamp::from).orElse(null));
                        move.setObject(2, nowHeld.orElse(null), Types.BOOLEAN);
                        move.setString(3, id);
                        move.executeUpdate();
                    }
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw Statements.failed("record the journal of " + id, e);
        }
    }

    @Override
    public boolean claim(String id, Duration lease) throws IOException {
        return leases.claim(id, lease);
    }

    @Override
    public void renew(Collection<String> ids, Duration lease) throws IOException {
        leases.renew(ids, lease);
    }

    @Override
    public void release(String id) throws IOException {
        leases.release(id);
    }

    @Override
    public List<String> claimDue(int max, Duration lease) throws IOException {
        return leases.claimDue(max, lease);
    }

    @Override
    public Map<String, String> leases() throws IOException {
        return leases.held();
    }

    @Override
    public QueueCounts counts() throws IOException {
        return query("SELECT count(*) FILTER (WHERE set_aside IS NULL AND NOT held), count(*) FILTER (WHERE set_aside IS NULL AND held),"
                + " count(*) FILTER (WHERE set_aside IS NOT NULL), min(arrival) FILTER (WHERE set_aside IS NULL AND NOT held) FROM message",
                statement -> {}, row -> new QueueCounts(row.getInt(1), row.getInt(2), row.getInt(3),
                        Optional.ofNullable(row.getTimestamp(4)).map(Timestamp::toInstant))).getFirst();
    }

    @Override
    public void onCommit(Consumer<String> listener) {
        if (committer != null) {
            listeners.add(listener);
        }
    }

    @Override
    public void signalChange() throws IOException {
        update("UPDATE queue_change SET stamp = stamp + 1", statement -> {});
    }

    /** The stamp in the database; while it cannot be read, the last one read (no change seen, none lost: it is read again). */
    @Override
    public String changeStamp() {
        try {
            query("SELECT stamp FROM queue_change", statement -> {}, row -> Long.toString(row.getLong(1))).stream().findFirst()
                    .ifPresent(stamp -> lastStamp = stamp);
        } catch (IOException e) {
            log.warn("cannot read the queue's change stamp: {}", e.getMessage());
        }
        return lastStamp;
    }

    @Override
    public void close() {
        if (committer != null) {
            committer.close();
        }
    }

    private <T> List<T> query(String sql, Statements.Binder binder, Statements.Row<T> row) throws IOException {
        return Statements.query(database, sql, binder, row, "read the queue");
    }

    private int update(String sql, Statements.Binder binder) throws IOException {
        return Statements.update(database, sql, binder, true, "change the queue");
    }
}
