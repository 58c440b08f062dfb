package org.mailgate.postgres;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mailgate.policy.SendingLimits.Usage;
import org.mailgate.policy.SentMessages;

/**
 * The messages each user had queued, by node, for every node's sending limits. Counters, not
 * mail: their commits do not wait for the WAL flush (a database crash may forget the last few
 * seconds of counts, never a message).
 */
public final class PostgresSentMessages implements SentMessages {
    private static final String WHAT = "count the messages sent";
    private static final long HOUR = Duration.ofHours(1).toMillis();
    private static final long DAY = Duration.ofDays(1).toMillis();

    private final Database database;
    private final String node;

    public PostgresSentMessages(Database database, String node) {
        this.database = database;
        this.node = node;
    }

    @Override
    public void add(List<Sent> sent) throws IOException {
        if (sent.isEmpty()) {
            return;
        }
        try (Connection c = database.connection();
                PreparedStatement insert = c.prepareStatement("INSERT INTO sent_message (username, node, at, recipients) VALUES (?, ?, ?, ?)")) {
            try {
                Statements.asynchronousCommit(c);
                for (Sent one : sent) {
                    insert.setString(1, one.user());
                    insert.setString(2, node);
                    insert.setTimestamp(3, Timestamp.from(one.at()));
                    insert.setInt(4, one.recipients());
                    insert.addBatch();
                }
                insert.executeBatch();
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw Statements.failed(WHAT, e);
        }
    }

    @Override
    public Map<String, Usage> elsewhere(Instant now) throws IOException {
        Map<String, Usage> usage = new HashMap<>();
        Timestamp hourAgo = Timestamp.from(now.minusMillis(HOUR));
        Statements.query(database, "SELECT username, count(*) FILTER (WHERE at > ?), count(*),"
                + " coalesce(sum(recipients) FILTER (WHERE at > ?), 0), sum(recipients)"
                + " FROM sent_message WHERE node <> ? AND at > ? GROUP BY username", statement -> {
                    statement.setTimestamp(1, hourAgo);
                    statement.setTimestamp(2, hourAgo);
                    statement.setString(3, node);
                    statement.setTimestamp(4, Timestamp.from(now.minusMillis(DAY)));
                }, row -> usage.put(row.getString(1), new Usage(row.getInt(2), row.getInt(3), row.getLong(4), row.getLong(5))), WHAT);
        return usage;
    }

    @Override
    public List<Sent> own(Instant now) throws IOException {
        return Statements.query(database, "SELECT username, at, recipients FROM sent_message WHERE node = ? AND at > ? ORDER BY at", statement -> {
            statement.setString(1, node);
            statement.setTimestamp(2, Timestamp.from(now.minusMillis(DAY)));
        }, row -> new Sent(row.getString(1), row.getTimestamp(2).toInstant(), row.getInt(3)), WHAT);
    }

    @Override
    public void prune(Instant now) throws IOException {
        Statements.update(database, "DELETE FROM sent_message WHERE at <= ?", statement -> statement.setTimestamp(1, Timestamp.from(now.minusMillis(DAY))),
                false, WHAT);
    }
}
