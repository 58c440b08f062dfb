package org.mailgate.postgres;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mailgate.auth.SharedEvents;

/**
 * The events every node counts toward one limit (messages sent, offences), a row each, by node.
 * Counters, not mail: their commits do not wait for the WAL flush (a database crash may forget
 * the last few seconds of counts, never a message).
 */
public final class PostgresSharedEvents implements SharedEvents {
    private static final String WHAT = "count events for the limits";

    private final Database database;
    private final String node;

    /** @param node this node's name: its own events are not among the others' */
    public PostgresSharedEvents(Database database, String node) {
        this.database = database;
        this.node = node;
    }

    @Override
    public void add(String kind, List<Event> events) throws IOException {
        if (events.isEmpty()) {
            return;
        }
        try (Connection c = database.connection();
                PreparedStatement insert = c.prepareStatement("INSERT INTO counted_event (kind, key, node, at, weight) VALUES (?, ?, ?, ?, ?)")) {
            try {
                Statements.asynchronousCommit(c);
                for (Event event : events) {
                    insert.setString(1, kind);
                    insert.setString(2, event.key());
                    insert.setString(3, node);
                    insert.setTimestamp(4, Timestamp.from(event.at()));
                    insert.setInt(5, event.weight());
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
    public Map<String, Totals> elsewhere(String kind, Instant since) throws IOException {
        Map<String, Totals> totals = new HashMap<>();
        Statements.query(database, "SELECT key, count(*), sum(weight) FROM counted_event WHERE kind = ? AND node <> ? AND at > ? GROUP BY key",
                statement -> {
                    statement.setString(1, kind);
                    statement.setString(2, node);
                    statement.setTimestamp(3, Timestamp.from(since));
                }, row -> totals.put(row.getString(1), new Totals(row.getInt(2), row.getLong(3))), WHAT);
        return totals;
    }

    @Override
    public List<Event> own(String kind, Instant since) throws IOException {
        return Statements.query(database, "SELECT key, at, weight FROM counted_event WHERE kind = ? AND node = ? AND at > ? ORDER BY at", statement -> {
            statement.setString(1, kind);
            statement.setString(2, node);
            statement.setTimestamp(3, Timestamp.from(since));
        }, row -> new Event(row.getString(1), row.getTimestamp(2).toInstant(), row.getInt(3)), WHAT);
    }

    @Override
    public void prune(String kind, Instant before) throws IOException {
        Statements.update(database, "DELETE FROM counted_event WHERE kind = ? AND at <= ?", statement -> {
            statement.setString(1, kind);
            statement.setTimestamp(2, Timestamp.from(before));
        }, false, WHAT);
    }
}
