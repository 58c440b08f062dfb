package org.mailgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.mailgate.auth.SharedEvents;
import org.mailgate.config.DeliveryConfig;
import org.mailgate.config.Limits;
import org.mailgate.config.ListenerConfig;
import org.mailgate.config.ListenerKind;
import org.mailgate.config.MailgateConfig;
import org.mailgate.config.StorageConfig;
import org.mailgate.mailauth.DkimKeyRing;
import org.mailgate.mailauth.SigningKey;
import org.mailgate.postgres.PostgresDkimKeys;
import org.mailgate.postgres.PostgresLogins;
import org.mailgate.postgres.PostgresSharedEvents;
import org.mailgate.postgres.PostgresSpool;
import org.mailgate.testing.PostgresDatabase;
import org.mailgate.testing.PostgresServer;

/** Nodes of one Mailgate on a shared PostgreSQL (a private cluster on loopback): one queue, whoever received the mail. */
class SharedQueueTest {
    @RegisterExtension static final PostgresDatabase database = new PostgresDatabase(false);

    @TempDir Path dir;

    /** A config file naming the shared database, for the admin commands; alice is added through it, once, for every node. */
    private Path adminConfig() throws Exception {
        Path config = dir.resolve("admin.toml");
        if (Files.exists(config)) {
            return config;
        }
        Path password = Files.writeString(dir.resolve("db-password"), PostgresServer.PASSWORD + "\n");
        Files.writeString(config, """
                hostname = "mx.test"
                data-dir = "%s"
                [[listener]]
                address = "127.0.0.1"
                port = 0
                kind = "inbound"
                [storage]
                kind = "postgres"
                url = "%s"
                user = "%s"
                password-file = "%s"
                """.formatted(dir.resolve("elsewhere"), database.server().url(), PostgresServer.USER, password));
        CliRun.Result migrate = CliRun.run("", "storage", "migrate", "--config", config.toString());
        assertThat(migrate.out()).as(migrate.err()).startsWith("schema migrated to version ");
        assertThat(CliRun.run("", "storage", "status", "--config", config.toString()).out()).endsWith(": current\n");
        CliRun.Result add = CliRun.run("secret-one\n", "user", "add", "alice@example.com", "--password-stdin", "--config", config.toString());
        assertThat(add.exitCode()).as(add.err()).isZero();
        return config;
    }

    private MailgateConfig node(String name, boolean delivering) throws Exception {
        Path data = dir.resolve(name);
        adminConfig();
        MailgateConfig base = new MailgateConfig("mx.test", data, Set.of("example.com"),
                List.of(new ListenerConfig("127.0.0.1", 0, ListenerKind.INBOUND)), null, Limits.DEFAULTS);
        return base.withDelivery(base.delivery().with(DeliveryConfig.ENABLED, delivering))
                .withStorage(new StorageConfig(StorageConfig.Kind.POSTGRES, database.server().url(), PostgresServer.USER, PostgresServer.PASSWORD, name, 4, null));
    }

    private static long delivered(MailgateConfig node) throws Exception {
        Path inbox = node.dataDir().resolve("mailboxes/alice@example.com/new");
        if (!Files.isDirectory(inbox)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(inbox)) {
            return files.count();
        }
    }

    /** The Subjects of the messages in alice's inbox on {@code node}. */
    private static List<String> subjects(MailgateConfig node) throws Exception {
        Path inbox = node.dataDir().resolve("mailboxes/alice@example.com/new");
        if (!Files.isDirectory(inbox)) {
            return List.of();
        }
        List<String> subjects = new ArrayList<>();
        try (Stream<Path> files = Files.list(inbox)) {
            for (Path file : files.toList()) {
                Files.readAllLines(file).stream().filter(line -> line.startsWith("Subject: ")).findFirst()
                        .ifPresent(line -> subjects.add(line.substring("Subject: ".length())));
            }
        }
        return subjects;
    }

    private static void waitFor(Duration limit, java.util.concurrent.Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.call()) {
            assertThat(System.nanoTime()).as("waited " + limit).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    @Test
    @DisplayName("mail received by a node that does not deliver is delivered by another, once each; `queue list --config` sees the shared queue")
    void anotherNodeDelivers() throws Exception {
        MailgateConfig a = node("node-a", false);
        MailgateConfig b = node("node-b", true);
        List<String> ids = new ArrayList<>();
        try (Mailgate receiving = Mailgate.start(a, Clock.systemUTC())) {
            int port = receiving.server().bound().get(0).address().getPort();
            for (int i = 0; i < 20; i++) {
                ids.add(LineClient.send(port, "sender@remote.example", List.of("alice@example.com"), "shared " + i));
            }
            Path config = adminConfig();
            CliRun.Result list = CliRun.run("", "queue", "list", "--config", config.toString());
            assertThat(list.exitCode()).as(list.err()).isZero();
            assertThat(list.out()).contains("20 messages in the queue").contains(ids.get(0)).contains(ids.get(19));
            try (PostgresSpool elsewhere = PostgresSpool.open(database.database(), "node-x", dir.resolve("receiving-x"))) {
                assertThat(elsewhere.claim(ids.get(0), Duration.ofMinutes(2))).isTrue();
                CliRun.Result leased = CliRun.run("", "queue", "list", "--config", config.toString());
                assertThat(leased.out()).containsPattern(ids.get(0) + ".*being delivered by node-x until ");
                assertThat(CliRun.run("", "queue", "list", "--json", "--config", config.toString()).out()).contains("\"lease\":\"node-x until ");
                elsewhere.release(ids.get(0));
            }
            assertThat(dir.resolve("elsewhere")).as("no data directory needed on the admin's machine").doesNotExist();
            CliRun.Result users = CliRun.run("", "user", "list", "--config", config.toString());
            assertThat(users.out()).as("the users, from the database").startsWith("alice@example.com");
            CliRun.Result audit = CliRun.run("", "audit", "--config", config.toString(), "--data-dir", a.dataDir().toString(), "--no-dns");
            assertThat(audit.out()).containsPattern("PASS +storage +the shared database answers, schema version \\d+\n")
                    .containsPattern("PASS +users +1 user,");

            try (Mailgate delivering = Mailgate.start(b, Clock.systemUTC())) {
                waitFor(Duration.ofSeconds(30), () -> delivered(b) == 20);
                waitFor(Duration.ofSeconds(10), () -> delivering.spool().list().isEmpty());
            }
        }
        assertThat(delivered(a)).isZero();
        assertThat(delivered(b)).as("each message once").isEqualTo(20);
    }

    @Test
    @DisplayName("`ban add|list|remove --config` act on the shared bans from a machine with no data directory; every node refuses the client")
    void bansFromAnyMachine() throws Exception {
        MailgateConfig a = node("node-a", false);
        Path config = adminConfig();
        try (Mailgate node = Mailgate.start(a, Clock.systemUTC())) {
            int port = node.server().bound().get(0).address().getPort();
            CliRun.Result add = CliRun.run("", "ban", "add", "127.0.0.44", "--for", "1h", "--reason", "spam run", "--config", config.toString());
            assertThat(add.out()).as(add.err()).startsWith("banned 127.0.0.44/32 until ");
            assertThat(CliRun.run("", "ban", "list", "--config", config.toString()).out()).startsWith("127.0.0.44/32").contains("spam run");
            waitFor(Duration.ofSeconds(10), () -> greeting(port, "127.0.0.44").startsWith("554 5.7.1"));
            CliRun.Result remove = CliRun.run("", "ban", "remove", "127.0.0.44", "--config", config.toString());
            assertThat(remove.out()).isEqualTo("removed the ban of 127.0.0.44/32\n");
            waitFor(Duration.ofSeconds(10), () -> greeting(port, "127.0.0.44").startsWith("220"));
            assertThat(CliRun.run("", "ban", "list", "--config", config.toString()).out()).isEqualTo("no bans in force\n");
            CliRun.Result unlock = CliRun.run("", "user", "unlock", "alice@example.com", "--config", config.toString());
            assertThat(unlock.out()).isEqualTo("unlocked alice@example.com on every node\n");
        }
        assertThat(dir.resolve("elsewhere")).as("no data directory needed on the admin's machine").doesNotExist();
    }

    @Test
    @DisplayName("`dkim keygen|list|activate|retire --config` keep the keys in the database, for every node's signer")
    void dkimKeysFromAnyMachine() throws Exception {
        Path config = adminConfig();
        CliRun.Result keygen = CliRun.run("", "dkim", "keygen", "example.com", "--algorithm", "ed25519", "--selector", "s1", "--config", config.toString());
        assertThat(keygen.out()).as(keygen.err()).contains("s1._domainkey.example.com");
        CliRun.Result activate = CliRun.run("", "dkim", "activate", "example.com", "s1", "--force", "--config", config.toString());
        assertThat(activate.out()).as(activate.err()).contains("s1 of example.com is active");
        CliRun.Result list = CliRun.run("", "dkim", "list", "--json", "--dns-server", "127.0.0.1:9", "--config", config.toString());
        assertThat(list.out()).as(list.err()).contains("\"selector\":\"s1\"").contains("\"stage\":\"active\"");
        DkimKeyRing ring = new DkimKeyRing(new PostgresDkimKeys(database.database()));
        assertThat(ring.active("example.com")).extracting(SigningKey::selector).containsExactly("s1");
        CliRun.Result retire = CliRun.run("", "dkim", "retire", "example.com", "s1", "--force", "--config", config.toString());
        assertThat(retire.out()).as(retire.err()).contains("is retired");
        ring.refresh();
        assertThat(ring.active("example.com")).isEmpty();
        assertThat(dir.resolve("elsewhere")).as("no data directory needed on the admin's machine").doesNotExist();
    }

    @Test
    @DisplayName("`user list --config` shows each user's sending counts summed over the nodes, and a lockout set by any node")
    void userStatusFromTheDatabase() throws Exception {
        Path config = adminConfig();
        Instant now = Instant.now();
        new PostgresSharedEvents(database.database(), "node-a").add("sent", List.of(new SharedEvents.Event("alice@example.com", now.minusSeconds(60), 2)));
        new PostgresSharedEvents(database.database(), "node-b").add("sent", List.of(new SharedEvents.Event("alice@example.com", now.minusSeconds(7200), 3)));
        new PostgresLogins(database.database()).lock("alice@example.com", now.plusSeconds(600));
        CliRun.Result list = CliRun.run("", "user", "list", "--config", config.toString());
        assertThat(list.out()).as(list.err()).startsWith("alice@example.com  sent messages/1h=1 messages/24h=2 recipients/1h=2 recipients/24h=5,"
                + " LOCKED (failed logins) until=");
    }

    @Test
    @DisplayName("`storage import --from DIR` copies a one-node server's users, bans and DKIM keys in; what the database has stays")
    void importAOneNodeDataDirectory() throws Exception {
        Path config = adminConfig();
        Path old = dir.resolve("old-node");
        assertThat(CliRun.run("old-password-1\n", "user", "add", "alice@example.com", "--password-stdin", "--data-dir", old.toString()).exitCode()).isZero();
        assertThat(CliRun.run("bobs-password-1\n", "user", "add", "bob@example.com", "--password-stdin", "--data-dir", old.toString()).exitCode()).isZero();
        assertThat(CliRun.run("", "ban", "add", "192.0.2.0/24", "--data-dir", old.toString()).exitCode()).isZero();
        assertThat(CliRun.run("", "dkim", "keygen", "example.com", "--algorithm", "rsa", "--selector", "old", "--data-dir", old.toString()).exitCode()).isZero();
        assertThat(CliRun.run("", "dkim", "activate", "example.com", "old", "--force", "--data-dir", old.toString()).exitCode()).isZero();

        CliRun.Result imported = CliRun.run("", "storage", "import", "--config", config.toString(), "--from", old.toString());
        assertThat(imported.out()).as(imported.err()).isEqualTo("""
                users: 1 imported, 1 already in the database (kept as they are there)
                bans: 1 imported
                DKIM keys: 1 imported
                """);
        assertThat(CliRun.run("", "user", "list", "--config", config.toString()).out()).contains("alice@example.com").contains("bob@example.com");
        assertThat(CliRun.run("", "ban", "list", "--config", config.toString()).out()).startsWith("192.0.2.0/24");
        DkimKeyRing ring = new DkimKeyRing(new PostgresDkimKeys(database.database()));
        assertThat(ring.active("example.com")).extracting(SigningKey::selector).containsExactly("old");
        assertThat(CliRun.run("", "storage", "import", "--config", config.toString(), "--from", old.toString()).out())
                .isEqualTo("""
                users: 0 imported, 2 already in the database (kept as they are there)
                bans: 0 imported, 1 already in the database (kept as they are there)
                DKIM keys: 0 imported, 1 already in the database (kept as they are there)
                """);
        CliRun.Result missing = CliRun.run("", "storage", "import", "--config", config.toString(), "--from", dir.resolve("nowhere").toString());
        assertThat(missing.exitCode()).isNotZero();
        assertThat(missing.err()).contains("no such data directory");
    }

    private static String greeting(int port, String from) throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port, InetAddress.getByName(from), 0)) {
            return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }
    }

    @Test
    @DisplayName("the database stopped: new mail gets 451 4.3.0, never a 250; when it is back, mail is taken and delivered")
    void databaseDownRefusesWithA4xx() throws Exception {
        MailgateConfig a = node("node-a", true);
        try (Mailgate node = Mailgate.start(a, Clock.systemUTC())) {
            int port = node.server().bound().get(0).address().getPort();
            LineClient.send(port, "sender@remote.example", List.of("alice@example.com"), "before");
            database.server().pause();
            try (LineClient c = LineClient.connect(port)) {
                c.send("EHLO client.test");
                c.send("MAIL FROM:<sender@remote.example>");
                assertThat(c.send("RCPT TO:<alice@example.com>")).startsWith("250");
                assertThat(c.send("DATA")).startsWith("354");
                assertThat(c.send("Subject: while down\r\n\r\nbody\r\n.")).startsWith("451 4.3.0");
            } finally {
                database.server().resume();
            }
            LineClient.send(port, "sender@remote.example", List.of("alice@example.com"), "after");
            // at least once: a delivery whose outcome the stopped database could not record is made again
            waitFor(Duration.ofSeconds(30), () -> node.spool().list().isEmpty() && subjects(a).containsAll(List.of("before", "after")));
            assertThat(subjects(a)).doesNotContain("while down");
        }
    }
}
