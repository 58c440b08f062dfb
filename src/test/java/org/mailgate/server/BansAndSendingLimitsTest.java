package org.mailgate.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.function.UnaryOperator;
import org.mailgate.config.MailgateConfig;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailgate.config.AddressRange;
import org.mailgate.config.AutoBanConfig;
import org.mailgate.config.ListenerKind;
import org.mailgate.config.LoginThrottleConfig;
import org.mailgate.config.SendingLimitsConfig;
import org.mailgate.policy.BanFile;
import org.mailgate.policy.BanList;

class BansAndSendingLimitsTest {
    @TempDir
    Path dataDir;

    @Test
    @DisplayName("a ban added from outside (mailgate ban add) is in force within seconds, survives a restart, and lifts")
    void bansFromTheFileAreLiveAndDurable() throws Exception {
        BanList file = new BanList(new BanFile(dataDir), Clock.systemUTC());
        try (TestServer server = new TestServer(dataDir, config -> config)) {
            file.add(new BanList.Ban(AddressRange.parse("127.0.0.9").orElseThrow(), null, "manual"));
            awaitGreeting(server, "127.0.0.9", "554 5.7.1");
            try (SmtpClient other = new SmtpClient(server.port(ListenerKind.INBOUND), server.certificate(), "127.0.0.10")) {
                assertThat(other.reply()).startsWith("220");
            }
        }
        try (TestServer restarted = new TestServer(dataDir, config -> config)) {
            awaitGreeting(restarted, "127.0.0.9", "554 5.7.1");
            assertThat(file.remove(AddressRange.parse("127.0.0.9/32").orElseThrow())).isTrue();
            awaitGreeting(restarted, "127.0.0.9", "220");
        }
    }

    private static void awaitGreeting(TestServer server, String from, String expected) throws Exception {
        String greeting = "";
        for (int i = 0; i < 30 && !greeting.startsWith(expected); i++) {
            try (SmtpClient c = new SmtpClient(server.port(ListenerKind.INBOUND), server.certificate(), from)) {
                greeting = c.reply();
            }
            if (!greeting.startsWith(expected)) {
                Thread.sleep(100);
            }
        }
        assertThat(greeting).startsWith(expected);
    }

    @Test
    @DisplayName("a user past the hourly message or recipient limit gets 451 4.7.1, and the server reports the counts")
    void sendingLimits() throws Exception {
        SendingLimitsConfig limits = SendingLimitsConfig.DEFAULTS.with(SendingLimitsConfig.MESSAGES_PER_HOUR, 2)
                .with(SendingLimitsConfig.MESSAGES_PER_DAY, 10).with(SendingLimitsConfig.RECIPIENTS_PER_HOUR, 3)
                .with(SendingLimitsConfig.RECIPIENTS_PER_DAY, 10);
        try (TestServer server = new TestServer(dataDir, config -> config.withProtections(
                LoginThrottleConfig.DEFAULTS, limits, AutoBanConfig.DEFAULTS, List.of()))) {
            try (SmtpClient c = new SmtpClient(server.port(ListenerKind.SUBMISSION), server.certificate())) {
                c.login("alice@example.com", "secret");
                send(c, "<a@remote.example>", "<b@remote.example>");
                c.command("MAIL FROM:<alice@example.com>");
                assertThat(c.command("RCPT TO:<c@remote.example>")).isEqualTo("250 2.1.5 Ok");
                assertThat(c.command("RCPT TO:<d@remote.example>"))
                        .isEqualTo("451 4.7.1 Sending limit reached: too many recipients from this account, try again later");
                c.command("DATA");
                assertThat(c.command("From: alice@example.com\r\nSubject: two\r\n\r\nhi\r\n.")).startsWith("250 2.0.0");
                assertThat(c.command("MAIL FROM:<alice@example.com>"))
                        .isEqualTo("451 4.7.1 Sending limit reached: too many messages from this account, try again later");
            }
            try (SmtpClient bob = new SmtpClient(server.port(ListenerKind.SUBMISSION), server.certificate())) {
                bob.login("bob@example.org", "bobs-secret");
                assertThat(bob.command("MAIL FROM:<bob@example.org>")).isEqualTo("250 2.1.0 Ok"); // limits are per user
            }
            assertThat(server.queue()).hasSize(2);
            Path status = server.dataDir.resolve("status");
            for (int i = 0; i < 100 && !(java.nio.file.Files.exists(status)
                    && java.nio.file.Files.readString(status).contains("alice@example.com")); i++) {
                Thread.sleep(100);
            }
            assertThat(ServerStatus.read(server.dataDir)).containsEntry("alice@example.com",
                    "sent messages/1h=2 messages/24h=2 recipients/1h=3 recipients/24h=3");
        }
    }

    @Test
    @DisplayName("one node's counters survive a restart: a user past the hourly limit stays there, a locked-out account stays locked,"
            + " a relay attempt still counts toward a ban")
    void countersSurviveARestart() throws Exception {
        SendingLimitsConfig limits = SendingLimitsConfig.DEFAULTS.with(SendingLimitsConfig.MESSAGES_PER_HOUR, 2);
        LoginThrottleConfig throttle = LoginThrottleConfig.DEFAULTS.with(LoginThrottleConfig.LOCKOUT_AFTER, 3);
        // automatic bans for relay attempts only (the lockout test below fails logins from 127.0.0.5 on purpose)
        AutoBanConfig bans = AutoBanConfig.DEFAULTS.with(AutoBanConfig.RELAY_ATTEMPTS, 2).with(AutoBanConfig.FAILED_LOGINS, 1000);
        UnaryOperator<MailgateConfig> strict = config -> config.withProtections(throttle, limits, bans, List.of());
        try (TestServer server = new TestServer(dataDir, strict)) {
            try (SmtpClient c = new SmtpClient(server.port(ListenerKind.SUBMISSION), server.certificate())) {
                c.login("alice@example.com", "secret");
                send(c, "<a@remote.example>");
                send(c, "<b@remote.example>");
            }
            for (int i = 0; i < 3; i++) {
                assertThat(login(server, "127.0.0.5", "bob@example.org", "guess" + i)).startsWith("535 5.7.8");
            }
            assertThat(login(server, "127.0.0.6", "bob@example.org", "bobs-secret")).startsWith("454 4.7.0");
            relayAttempt(server, "127.0.0.7");
        }
        assertThat(Files.getPosixFilePermissions(dataDir.resolve(SavedCounters.NAME))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        try (TestServer restarted = new TestServer(dataDir, strict)) {
            try (SmtpClient c = new SmtpClient(restarted.port(ListenerKind.SUBMISSION), restarted.certificate())) {
                c.login("alice@example.com", "secret");
                assertThat(c.command("MAIL FROM:<alice@example.com>"))
                        .isEqualTo("451 4.7.1 Sending limit reached: too many messages from this account, try again later");
            }
            assertThat(login(restarted, "127.0.0.6", "bob@example.org", "bobs-secret")).startsWith("454 4.7.0");
            relayAttempt(restarted, "127.0.0.7"); // the second, counted with the first from before the restart
            awaitGreeting(restarted, "127.0.0.7", "554 5.7.1");
        }
    }

    private static void relayAttempt(TestServer server, String from) throws Exception {
        try (SmtpClient c = new SmtpClient(server.port(ListenerKind.INBOUND), server.certificate(), from)) {
            c.reply();
            c.command("EHLO relay.test");
            c.command("MAIL FROM:<spam@relay.test>");
            assertThat(c.command("RCPT TO:<victim@elsewhere.example>")).isEqualTo("554 5.7.1 Relay access denied");
        }
    }

    /** The reply to one AUTH PLAIN from {@code from}. */
    static String login(TestServer server, String from, String user, String password) throws Exception {
        try (SmtpClient c = new SmtpClient(server.port(ListenerKind.SUBMISSION), server.certificate(), from)) {
            c.reply();
            c.command("EHLO client.test");
            c.command("STARTTLS");
            c.upgrade();
            c.command("EHLO client.test");
            return c.command("AUTH PLAIN " + Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8)));
        }
    }

    private static void send(SmtpClient c, String... recipients) throws Exception {
        c.command("MAIL FROM:<alice@example.com>");
        for (String recipient : recipients) {
            assertThat(c.command("RCPT TO:" + recipient)).startsWith("250");
        }
        c.command("DATA");
        assertThat(c.command("From: alice@example.com\r\nSubject: one\r\n\r\nhi\r\n.")).startsWith("250 2.0.0");
    }
}
