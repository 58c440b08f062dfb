package org.mailgate.postgres;

import java.io.IOException;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.mailgate.auth.SharedLogins;

/**
 * Failed logins, lockouts and known-good addresses in the shared database, for every node's
 * {@code LoginThrottle}. Counters, not mail: their commits do not wait for the WAL flush (a
 * database crash may forget the last few failures, never a message).
 */
public final class PostgresLogins implements SharedLogins {
    private static final String WHAT = "count failed logins";

    private final Database database;

    public PostgresLogins(Database database) {
        this.database = database;
    }

    @Override
    public Failures failed(String client, String account, long tag, Duration window) throws IOException {
        for (String key : new String[] {client, account}) {
            Statements.update(database, "INSERT INTO login_failure (key, tag, at) VALUES (?, ?, now())"
                    + " ON CONFLICT (key, tag) DO UPDATE SET at = now()", statement -> {
                        statement.setString(1, key);
                        statement.setLong(2, tag);
                    }, false, WHAT);
        }
        return Statements.query(database, "SELECT count(*) FILTER (WHERE key = ?), count(*) FILTER (WHERE key = ?) FROM login_failure"
                + " WHERE key IN (?, ?) AND at > now() - ? * interval '1 millisecond'", statement -> {
                    statement.setString(1, client);
                    statement.setString(2, account);
                    statement.setString(3, client);
                    statement.setString(4, account);
                    statement.setLong(5, window.toMillis());
                }, row -> new Failures(row.getInt(1), row.getInt(2)), WHAT).getFirst();
    }

    @Override
    public int clientFailures(String client, Duration window) throws IOException {
        return Statements.query(database, "SELECT count(*) FROM login_failure WHERE key = ? AND at > now() - ? * interval '1 millisecond'",
                statement -> {
                    statement.setString(1, client);
                    statement.setLong(2, window.toMillis());
                }, row -> row.getInt(1), WHAT).getFirst();
    }

    /** A lock already in force keeps its end; one that ran out is replaced. */
    @Override
    public boolean lock(String who, Instant until) throws IOException {
        return Statements.update(database, "INSERT INTO login_lock (who, until) VALUES (?, ?)"
                + " ON CONFLICT (who) DO UPDATE SET until = excluded.until WHERE login_lock.until <= now()", statement -> {
                    statement.setString(1, who);
                    statement.setTimestamp(2, Timestamp.from(until));
                }, false, WHAT) == 1;
    }

    @Override
    public Optional<Instant> lockedUntil(String who) throws IOException {
        return Statements.query(database, "SELECT until FROM login_lock WHERE who = ? AND until > now()", statement -> statement.setString(1, who),
                row -> row.getTimestamp(1).toInstant(), WHAT).stream().findFirst();
    }

    /** Every lock in force, for the admin: who, until when. */
    public Map<String, Instant> locks() throws IOException {
        Map<String, Instant> locks = new TreeMap<>();
        Statements.query(database, "SELECT who, until FROM login_lock WHERE until > now()", statement -> {},
                row -> locks.put(row.getString(1), row.getTimestamp(2).toInstant()), WHAT);
        return locks;
    }

    @Override
    public void knownGood(String account, String client, Instant until) throws IOException {
        Statements.update(database, "INSERT INTO login_known_good (account, client, until) VALUES (?, ?, ?)"
                + " ON CONFLICT (account, client) DO UPDATE SET until = excluded.until", statement -> {
                    statement.setString(1, account);
                    statement.setString(2, client);
                    statement.setTimestamp(3, Timestamp.from(until));
                }, false, WHAT);
    }

    @Override
    public boolean isKnownGood(String account, String client) throws IOException {
        return !Statements.query(database, "SELECT 1 FROM login_known_good WHERE account = ? AND client = ? AND until > now()", statement -> {
            statement.setString(1, account);
            statement.setString(2, client);
        }, row -> true, WHAT).isEmpty();
    }

    @Override
    public void forget(String who) throws IOException {
        Statements.update(database, "DELETE FROM login_lock WHERE who = ?", statement -> statement.setString(1, who), true, WHAT);
        Statements.update(database, "DELETE FROM login_failure WHERE key = ?", statement -> statement.setString(1, who), true, WHAT);
    }

    @Override
    public void prune(Duration window) throws IOException {
        Statements.update(database, "DELETE FROM login_failure WHERE at <= now() - ? * interval '1 millisecond'",
                statement -> statement.setLong(1, window.toMillis()), false, WHAT);
        Statements.update(database, "DELETE FROM login_lock WHERE until <= now()", statement -> {}, false, WHAT);
        Statements.update(database, "DELETE FROM login_known_good WHERE until <= now()", statement -> {}, false, WHAT);
    }

    /** Made by the first node that asks, then read by every other: the insert that loses the race changes nothing. */
    @Override
    public byte[] tagKey() throws IOException {
        byte[] fresh = new byte[32];
        new SecureRandom().nextBytes(fresh);
        Statements.update(database, "INSERT INTO mailgate_secret (name, value) VALUES ('login-tag-key', ?) ON CONFLICT (name) DO NOTHING",
                statement -> statement.setBytes(1, fresh), true, WHAT);
        return Statements.query(database, "SELECT value FROM mailgate_secret WHERE name = 'login-tag-key'", statement -> {},
                row -> row.getBytes(1), WHAT).stream().findFirst().orElseThrow(() -> new IOException("the database holds no login tag key"));
    }
}
