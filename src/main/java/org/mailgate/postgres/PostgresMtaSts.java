package org.mailgate.postgres;

import java.io.IOException;
import java.sql.Timestamp;
import java.util.Arrays;
import java.util.Optional;
import org.mailgate.delivery.tls.MtaSts;
import org.mailgate.delivery.tls.MtaStsStore;

/** The MTA-STS policies any node fetched, for every node: one that cannot fetch a policy still meets the one another node saw. */
public final class PostgresMtaSts implements MtaStsStore {
    private static final String WHAT = "keep MTA-STS policies";

    private final Database database;

    public PostgresMtaSts(Database database) {
        this.database = database;
    }

    @Override
    public Optional<MtaSts.Policy> load(String domain) throws IOException {
        return Statements.query(database, "SELECT id, mode, mx, expires FROM mta_sts_policy WHERE domain = ?", statement -> statement.setString(1, domain),
                row -> new MtaSts.Policy(row.getString(1), Statements.named(MtaSts.Mode.class, row.getString(2), "mta_sts_policy.mode"),
                        Arrays.asList((String[]) row.getArray(3).getArray()), row.getTimestamp(4).toInstant()), WHAT).stream().findFirst();
    }

    /** Not waiting for the WAL flush: a policy a database crash forgets is fetched again. */
    @Override
    public void save(String domain, MtaSts.Policy policy) throws IOException {
        Statements.update(database, "INSERT INTO mta_sts_policy (domain, id, mode, mx, expires) VALUES (?, ?, ?, ?, ?) ON CONFLICT (domain)"
                + " DO UPDATE SET id = excluded.id, mode = excluded.mode, mx = excluded.mx, expires = excluded.expires", statement -> {
                    statement.setString(1, domain);
                    statement.setString(2, policy.id());
                    statement.setString(3, policy.mode().name());
                    statement.setArray(4, statement.getConnection().createArrayOf("text", policy.mx().toArray()));
                    statement.setTimestamp(5, Timestamp.from(policy.expires()));
                }, false, WHAT);
    }
}
