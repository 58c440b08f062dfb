package org.mailgate.postgres;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which node delivers which message: a lease on the message's row (owner node, expiry by the
 * database's clock), taken in batches with FOR UPDATE SKIP LOCKED so nodes claiming at once
 * each take others, renewed while a round runs, and let go when it ends or its node dies.
 */
final class PostgresLeases {
    private static final Logger log = LoggerFactory.getLogger(PostgresLeases.class);

    private final Database database;
    private final String node;

    PostgresLeases(Database database, String node) {
        this.database = database;
        this.node = node;
    }

    /** The database's clock decides a lease's expiry: the nodes' clocks may differ, its is one. */
    boolean claim(String id, Duration lease) throws IOException {
        return leaseUpdate("UPDATE message SET lease_owner = ?, lease_until = now() + ? * interval '1 millisecond'"
                + " WHERE id = ? AND set_aside IS NULL AND (lease_until IS NULL OR lease_until < now() OR lease_owner = ?)", statement -> {
                    statement.setString(1, node);
                    statement.setLong(2, lease.toMillis());
                    statement.setString(3, id);
                    statement.setString(4, node);
                }) == 1;
    }

    void renew(Collection<String> ids, Duration lease) throws IOException {
        if (ids.isEmpty()) {
            return;
        }
        leaseUpdate("UPDATE message SET lease_until = now() + ? * interval '1 millisecond' WHERE lease_owner = ? AND id = ANY (?)", statement -> {
            statement.setLong(1, lease.toMillis());
            statement.setString(2, node);
            statement.setArray(3, statement.getConnection().createArrayOf("text", ids.toArray()));
        });
    }

    void release(String id) throws IOException {
        leaseUpdate("UPDATE message SET lease_owner = NULL, lease_until = NULL WHERE id = ? AND lease_owner = ?", statement -> {
            statement.setString(1, id);
            statement.setString(2, node);
        });
    }

    void releaseAll() throws IOException {
        int released = leaseUpdate("UPDATE message SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = ?",
                statement -> statement.setString(1, node));
        if (released > 0) {
            log.info("released {} leases node {} held before it stopped: those messages are due again", released, node);
        }
    }

    /**
     * One statement: the due messages no node holds, locked with SKIP LOCKED so nodes claiming at
     * the same moment each take others, then leased to this node.
     */
    List<String> claimDue(int max, Duration lease) throws IOException {
        List<String> claimed = new ArrayList<>();
        try (Connection c = database.connection(); PreparedStatement statement = c.prepareStatement(
                "UPDATE message SET lease_owner = ?, lease_until = now() + ? * interval '1 millisecond' WHERE id IN ("
                        + "SELECT id FROM message WHERE set_aside IS NULL AND NOT held AND next_attempt <= now()"
                        + " AND (lease_until IS NULL OR lease_until < now()) ORDER BY next_attempt LIMIT ? FOR UPDATE SKIP LOCKED) RETURNING id")) {
            try {
                Statements.asynchronousCommit(c);
                statement.setString(1, node);
                statement.setLong(2, lease.toMillis());
                statement.setInt(3, max);
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        claimed.add(rows.getString(1));
                    }
                }
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw Statements.failed("claim due messages", e);
        }
        return claimed;
    }

    /** Every lease in force: message ID, "NODE until INSTANT". */
    Map<String, String> held() throws IOException {
        Map<String, String> leases = new TreeMap<>();
        Statements.query(database, "SELECT id, lease_owner, lease_until FROM message WHERE lease_until > now() ORDER BY id", statement -> {},
                row -> Map.entry(row.getString(1), row.getString(2) + " until " + row.getTimestamp(3).toInstant()),
                "read the leases").forEach(lease -> leases.put(lease.getKey(), lease.getValue()));
        return leases;
    }

    /**
     * A lease's change, committed without waiting for the WAL flush: one lost in a database crash
     * only runs out or is claimed again, while every flush saved is one less per delivery.
     */
    private int leaseUpdate(String sql, Statements.Binder binder) throws IOException {
        return Statements.update(database, sql, binder, false, "change the leases");
    }
}
