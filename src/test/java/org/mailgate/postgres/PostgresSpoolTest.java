package org.mailgate.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.mailgate.spool.QueueEvent;
import org.mailgate.spool.Spool;
import org.mailgate.spool.SpoolContract;
import org.mailgate.spool.SpoolEnvelope;
import org.mailgate.testing.PostgresDatabase;

/** The spool in a real PostgreSQL (Debian's, a private cluster on loopback): the contract every spool keeps, and the rows it writes. */
class PostgresSpoolTest extends SpoolContract {
    @RegisterExtension static final PostgresDatabase postgres = new PostgresDatabase(true);

    @TempDir Path dir;


    @Override
    protected Spool open() throws Exception {
        return PostgresSpool.open(postgres.database(), "node-a", receiving());
    }

    @Override
    protected Path receiving() {
        return dir.resolve("receiving");
    }

    @Test
    @DisplayName("a message is one row, its content chunks of 1 MiB: a 3 MB message is three")
    void contentIsChunked() throws Exception {
        SpoolEnvelope envelope = envelope();
        try (Spool spool = open()) {
            queue(spool, envelope, "Subject: big\r\n\r\n" + "y".repeat(998).concat("\r\n").repeat(3000));
        }
        try (Connection c = postgres.server().connect(); Statement s = c.createStatement();
                ResultSet chunks = s.executeQuery("SELECT count(*), sum(length(data)) FROM message_chunk WHERE message_id = '" + envelope.id() + "'")) {
            chunks.next();
            assertThat(chunks.getInt(1)).isEqualTo(3);
            assertThat(chunks.getLong(2)).isEqualTo("Subject: big\r\n\r\n".length() + 3000L * 1000);
        }
    }

    @Test
    @DisplayName("the schema is versioned: migrating again applies nothing; a database newer than this Mailgate is refused, unchanged")
    void migrationsApplyOnce() throws Exception {
        assertThat(Schema.status(postgres.database())).isEqualTo(new Schema.Status(Schema.MIGRATIONS.size(), Schema.MIGRATIONS.size()));
        assertThat(Schema.migrate(postgres.database())).isEmpty();
        try (Connection c = postgres.server().connect(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO mailgate_schema (version, name) VALUES (" + (Schema.MIGRATIONS.size() + 1) + ", 'from-the-future.sql')");
        }
        assertThatThrownBy(() -> Schema.migrate(postgres.database())).hasMessage("the database is at schema version " + (Schema.MIGRATIONS.size() + 1)
                + ", newer than this Mailgate knows (" + Schema.MIGRATIONS.size() + "): run the newer Mailgate, or restore the database it had");
        assertThat(Schema.status(postgres.database()).current()).isFalse();
    }

    @Test
    @DisplayName("claims: a message is one node's at a time; released or past its lease another takes it; held or not yet due, no one")
    void claimsAndLeases() throws Exception {
        SpoolEnvelope first = envelope();
        SpoolEnvelope held = envelope();
        SpoolEnvelope later = envelope();
        Instant now = Instant.now();
        try (Spool a = open(); Spool b = PostgresSpool.open(postgres.database(), "node-b", dir.resolve("receiving-b"))) {
            queue(a, first, "Subject: 1\r\n\r\nbody\r\n");
            queue(a, held, "Subject: 2\r\n\r\nbody\r\n");
            queue(b, later, "Subject: 3\r\n\r\nbody\r\n");
            a.record(held.id(), List.of(new QueueEvent.Held(now)));
            b.record(later.id(), List.of(new QueueEvent.Scheduled(now, now.plusSeconds(3600), now)));

            assertThat(a.claimDue(10, Duration.ofMinutes(2))).containsExactly(first.id());
            assertThat(b.claimDue(10, Duration.ofMinutes(2))).as("node-a holds it").isEmpty();
            assertThat(b.claim(first.id(), Duration.ofMinutes(2))).isFalse();
            assertThat(a.claim(first.id(), Duration.ofMinutes(2))).as("a node may claim what it holds again").isTrue();
            assertThat(a.leases()).containsOnlyKeys(first.id()).hasValueSatisfying(new org.assertj.core.api.Condition<>(
                    lease -> lease.startsWith("node-a until "), "node-a's"));
            a.release(first.id());
            assertThat(b.claim(first.id(), Duration.ofMillis(1))).isTrue();
            Thread.sleep(20);
            assertThat(a.claimDue(10, Duration.ofMinutes(2))).as("node-b's lease ran out: node-b died").containsExactly(first.id());

            a.record(held.id(), List.of(new QueueEvent.Released(now)));
            b.record(later.id(), List.of(new QueueEvent.RetryNow(now)));
            assertThat(b.claimDue(10, Duration.ofMinutes(2))).containsExactlyInAnyOrder(held.id(), later.id());
        }
    }

    @Test
    @DisplayName("a renewal keeps a short lease alive past its first end; only the holder's leases are renewed")
    void renewKeepsTheLease() throws Exception {
        SpoolEnvelope message = envelope();
        try (Spool a = open(); Spool b = PostgresSpool.open(postgres.database(), "node-b", dir.resolve("receiving-b"))) {
            queue(a, message, "Subject: r\r\n\r\nbody\r\n");
            assertThat(a.claim(message.id(), Duration.ofMillis(300))).isTrue();
            b.renew(List.of(message.id()), Duration.ofMinutes(5)); // not node-b's: nothing changes
            a.renew(List.of(message.id()), Duration.ofMinutes(5));
            Thread.sleep(400);
            assertThat(b.claimDue(10, Duration.ofMinutes(2))).as("renewed: still node-a's past the first lease").isEmpty();
            assertThat(b.claim(message.id(), Duration.ofMinutes(2))).isFalse();
            a.renew(List.of(), Duration.ofMinutes(5)); // nothing in flight: nothing to do
        }
    }
}
