package org.mailgate.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailgate.config.Limits;
import org.mailgate.config.ListenerKind;

/** RFC 5321 4.5.3.2 timeouts, on a real socket, with short limits. */
class TimeoutTest {
    @TempDir
    Path dataDir;

    private TestServer server(Duration command, Duration data, Duration session) throws Exception {
        return new TestServer(dataDir, Limits.DEFAULTS.with(Limits.AUTH_FAILURE_DELAY, Duration.ofMillis(100))
                .with(Limits.COMMAND_TIMEOUT, command).with(Limits.DATA_TIMEOUT, data).with(Limits.TLS_HANDSHAKE_TIMEOUT, Duration.ofSeconds(5))
                .with(Limits.SESSION_TIMEOUT, session));
    }

    @Test
    @DisplayName("RFC 5321 4.5.3.2.7: an idle client is closed with 421 4.4.2")
    void idleClientIsClosed() throws Exception {
        try (TestServer server = server(Duration.ofMillis(500), Duration.ofSeconds(5), Duration.ofMinutes(1));
                SmtpClient c = new SmtpClient(server.port(ListenerKind.INBOUND), server.certificate())) {
            c.reply();
            c.command("EHLO idle.test");
            assertThat(c.reply()).isEqualTo("421 4.4.2 Timeout exceeded, closing transmission channel");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    @DisplayName("slowloris: a byte now and then is not progress; the command timeout still runs out")
    void slowlorisIsCutOff() throws Exception {
        try (TestServer server = server(Duration.ofMillis(800), Duration.ofSeconds(5), Duration.ofMinutes(1));
                SmtpClient c = new SmtpClient(server.port(ListenerKind.INBOUND), server.certificate())) {
            c.reply();
            long start = System.nanoTime();
            String reply = null;
            for (char b : "EHLO slow.client.example.org".toCharArray()) {
                c.write(String.valueOf(b));
                Thread.sleep(150);
                if (c.hasReply()) {
                    reply = c.reply();
                    break;
                }
            }
            assertThat(reply).isEqualTo("421 4.4.2 Timeout exceeded, closing transmission channel");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        }
    }

    @Test
    @DisplayName("a client that keeps busy is still closed at the session time limit")
    void sessionTimeLimit() throws Exception {
        try (TestServer server = server(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofMillis(1500));
                SmtpClient c = new SmtpClient(server.port(ListenerKind.INBOUND), server.certificate())) {
            c.reply();
            c.command("EHLO busy.test");
            String reply = "";
            for (int i = 0; i < 40 && !reply.startsWith("421"); i++) {
                reply = c.command("HELO busy.test");
                Thread.sleep(100);
            }
            assertThat(reply).isEqualTo("421 4.4.2 Session time limit exceeded, closing transmission channel");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    @DisplayName("RFC 5321 4.5.3.2.5: content that stops mid-message times out, and nothing is queued")
    void stalledDataTimesOut() throws Exception {
        try (TestServer server = server(Duration.ofSeconds(5), Duration.ofMillis(600), Duration.ofMinutes(1));
                SmtpClient c = new SmtpClient(server.port(ListenerKind.INBOUND), server.certificate())) {
            c.reply();
            c.command("EHLO stall.test");
            c.command("MAIL FROM:<a@remote.example>");
            c.command("RCPT TO:<alice@example.com>");
            assertThat(c.command("DATA")).startsWith("354");
            c.write("Subject: stalled\r\n\r\nhalf a mess");
            assertThat(c.reply()).isEqualTo("421 4.4.2 Timeout exceeded, closing transmission channel");
            assertThat(server.queue()).isEmpty();
            assertThat(server.incomingFiles()).isEmpty();
        }
    }

    @Test
    @DisplayName("a timeout that falls while the server is busy (a slow failed AUTH) still closes an idle client afterwards")
    void timeoutDuringAServerWaitIsRearmed() throws Exception {
        // AUTH failures wait 100 ms doubling past 3 failures; the command timeout is 500 ms, so the
        // client's own pauses between commands on a busy machine stay well inside it.
        try (TestServer server = server(Duration.ofMillis(500), Duration.ofSeconds(5), Duration.ofMinutes(1));
                SmtpClient c = new SmtpClient(server.port(ListenerKind.SUBMISSION), server.certificate())) {
            c.reply();
            c.command("EHLO slow.test");
            c.command("STARTTLS");
            c.upgrade();
            c.command("EHLO slow.test");
            for (int i = 0; i < 6; i++) { // the sixth failure waits 800 ms: the timeout falls inside it
                String bad = java.util.Base64.getEncoder().encodeToString(("\0alice@example.com\0wrong" + i).getBytes());
                assertThat(c.command("AUTH PLAIN " + bad)).startsWith("535");
            }
            long start = System.nanoTime();
            assertThat(c.reply()).isEqualTo("421 4.4.2 Timeout exceeded, closing transmission channel");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        }
    }
}
