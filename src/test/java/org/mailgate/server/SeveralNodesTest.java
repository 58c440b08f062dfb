package org.mailgate.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.mailgate.auth.PasswordHashes;
import org.mailgate.auth.User;
import org.mailgate.config.AddressRange;
import org.mailgate.config.AutoBanConfig;
import org.mailgate.config.ListenerKind;
import org.mailgate.config.LoginThrottleConfig;
import org.mailgate.config.MailgateConfig;
import org.mailgate.config.SendingLimitsConfig;
import org.mailgate.config.StorageConfig;
import org.mailgate.policy.BanList;
import org.mailgate.postgres.PostgresBans;
import org.mailgate.postgres.PostgresUsers;
import org.mailgate.testing.PostgresDatabase;

/** Two nodes on one PostgreSQL: what one refuses or counts, the other refuses and counts too. */
class SeveralNodesTest {
    @RegisterExtension static final PostgresDatabase postgres = new PostgresDatabase(true);

    @TempDir Path one;
    @TempDir Path two;

    private static UnaryOperator<MailgateConfig> node(String name, SendingLimitsConfig limits, AutoBanConfig bans) {
        StorageConfig shared = postgres.storage();
        return config -> config.withStorage(new StorageConfig(StorageConfig.Kind.POSTGRES, shared.url(), shared.user(), shared.password(), name, 4, null))
                .withProtections(LoginThrottleConfig.DEFAULTS, limits, bans, List.of());
    }

    private static void addUsers() throws Exception {
        PasswordHashes hashes = new PasswordHashes();
        new PostgresUsers(postgres.database()).update(users -> {
            users.add(new User("alice@example.com", hashes.hash("secret"), List.of(), false));
            return users;
        });
    }

    @Test
    @DisplayName("a user's hourly limit is one limit: messages sent through one node count on the other within seconds")
    void sendingLimitsAreShared() throws Exception {
        addUsers();
        SendingLimitsConfig limits = SendingLimitsConfig.DEFAULTS.with(SendingLimitsConfig.MESSAGES_PER_HOUR, 3);
        AutoBanConfig noBans = AutoBanConfig.DEFAULTS.with(AutoBanConfig.DURATION, Duration.ZERO);
        try (TestServer first = new TestServer(one, node("one", limits, noBans));
                TestServer second = new TestServer(two, node("two", limits, noBans))) {
            try (SmtpClient c = new SmtpClient(first.port(ListenerKind.SUBMISSION), first.certificate())) {
                c.login("alice@example.com", "secret");
                send(c);
                send(c);
            }
            try (SmtpClient c = new SmtpClient(second.port(ListenerKind.SUBMISSION), second.certificate())) {
                c.login("alice@example.com", "secret");
                send(c);
                // node one's two reach node two within two sync periods (two seconds each)
                assertThat(awaitRefusedMail(c)).isEqualTo("451 4.7.1 Sending limit reached: too many messages from this account, try again later");
            }
            try (SmtpClient c = new SmtpClient(first.port(ListenerKind.SUBMISSION), first.certificate())) {
                c.login("alice@example.com", "secret");
                assertThat(awaitRefusedMail(c)).startsWith("451 4.7.1");
            }
        }
    }

    @Test
    @DisplayName("a ban added on one node (by the admin) refuses the client at every node; relay attempts spread over the nodes ban as on one")
    void bansAreShared() throws Exception {
        addUsers();
        AutoBanConfig autoBan = AutoBanConfig.DEFAULTS.with(AutoBanConfig.RELAY_ATTEMPTS, 4);
        try (TestServer first = new TestServer(one, node("one", SendingLimitsConfig.DEFAULTS, autoBan));
                TestServer second = new TestServer(two, node("two", SendingLimitsConfig.DEFAULTS, autoBan))) {
            new BanList(new PostgresBans(postgres.database()), Clock.systemUTC()).add(
                    new BanList.Ban(AddressRange.parse("127.0.0.9").orElseThrow(), null, "manual"));
            assertThat(greeting(second, "127.0.0.9")).startsWith("554 5.7.1");
            assertThat(greeting(first, "127.0.0.9")).startsWith("554 5.7.1");
            // two relay attempts on each node: four in all, the threshold, though each node saw two
            relay(first, "127.0.0.11", 2);
            Thread.sleep(4_500); // node one sends its count within 2 s, node two reads it within 2 s more
            relay(second, "127.0.0.11", 2);
            assertThat(greeting(first, "127.0.0.11")).startsWith("554 5.7.1");
            assertThat(greeting(second, "127.0.0.11")).startsWith("554 5.7.1");
        }
    }

    /** {@code attempts} RCPTs to a domain not ours, on port 25, from {@code from}. */
    private static void relay(TestServer server, String from, int attempts) throws Exception {
        try (SmtpClient c = new SmtpClient(server.port(ListenerKind.INBOUND), server.certificate(), from)) {
            c.reply();
            c.command("EHLO relay.test");
            c.command("MAIL FROM:<spam@relay.test>");
            for (int i = 0; i < attempts; i++) {
                assertThat(c.command("RCPT TO:<victim" + i + "@elsewhere.example>")).isEqualTo("554 5.7.1 Relay access denied");
            }
        }
    }

    /** MAIL until it is refused (the other node's counts arrive every two seconds), for six seconds at most: the last reply. */
    private static String awaitRefusedMail(SmtpClient c) throws Exception {
        String reply = "";
        for (int i = 0; i < 60 && !reply.startsWith("451"); i++) {
            reply = c.command("MAIL FROM:<alice@example.com>");
            c.command("RSET");
            Thread.sleep(100);
        }
        return reply;
    }

    private static void send(SmtpClient c) throws Exception {
        assertThat(c.command("MAIL FROM:<alice@example.com>")).startsWith("250");
        assertThat(c.command("RCPT TO:<bob@remote.example>")).startsWith("250");
        c.command("DATA");
        assertThat(c.command("From: alice@example.com\r\nSubject: hi\r\n\r\nhi\r\n.")).startsWith("250 2.0.0");
    }

    /** The greeting {@code from} gets, once the ban reached the node (it reads the bans each second). */
    private static String greeting(TestServer server, String from) throws Exception {
        String greeting = "";
        for (int i = 0; i < 50 && !greeting.startsWith("554"); i++) {
            try (SmtpClient c = new SmtpClient(server.port(ListenerKind.INBOUND), server.certificate(), from)) {
                greeting = c.reply();
            }
            Thread.sleep(100);
        }
        return greeting;
    }
}
