package org.mailgate.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The per-session error and junk-command limits (Postfix's smtpd_hard_error_limit and smtpd_junk_command_limit). */
class ErrorLimitTest {
    // max 3 recipients, 5 errors, 4 junk commands
    private static final SessionSettings STRICT = SessionSettings.inbound("mx.test").withLimits(1000, 3, 5, 4);

    @Test
    @DisplayName("a client that keeps sending bad commands is cut off with 421 4.7.0")
    void tooManyErrorsCloseTheSession() {
        SessionHarness h = new SessionHarness(STRICT);
        List<String> replies = h.send("BOGUS\r\nBOGUS\r\nBOGUS\r\nBOGUS\r\nBOGUS\r\nEHLO never.answered\r\n");
        assertThat(replies).hasSize(6);
        assertThat(replies.subList(0, 5)).allMatch(r -> r.startsWith("500 5.5.2"));
        assertThat(replies.get(5)).isEqualTo("421 4.7.0 Too many errors, closing transmission channel");
        assertThat(h.closed).isTrue();
    }

    @Test
    @DisplayName("refused recipients count: relay probing ends the session")
    void relayProbesCount() {
        SessionHarness h = new SessionHarness(STRICT);
        h.send("EHLO probe.test\r\nMAIL FROM:<a@b.test>\r\n");
        List<String> replies = h.send("RCPT TO:<x@nowhere.test>\r\n".repeat(5));
        assertThat(replies).last().isEqualTo("421 4.7.0 Too many errors, closing transmission channel");
    }

    @Test
    @DisplayName("junk commands are answered, and past the limit each one counts as an error: the one that reaches the error limit is not")
    void junkCommandsPastTheLimitCount() {
        SessionHarness h = new SessionHarness(STRICT);
        List<String> replies = h.send("NOOP\r\n".repeat(4 + 4));
        assertThat(replies).hasSize(8).allMatch(r -> r.startsWith("250"));
        assertThat(h.send("NOOP\r\n")).containsExactly("421 4.7.0 Too many errors, closing transmission channel");
    }

    @Test
    @DisplayName("recipients past the limit get 452 4.5.3, and count as errors only when overshooting by as many again")
    void recipientOvershoot() {
        SessionHarness h = new SessionHarness(STRICT);
        h.send("EHLO many.test\r\nMAIL FROM:<a@b.test>\r\n");
        List<String> replies = h.send("RCPT TO:<u@example.test>\r\n".repeat(3 + 3));
        assertThat(replies.subList(0, 3)).allMatch(r -> r.startsWith("250"));
        assertThat(replies.subList(3, 6)).allMatch(r -> r.equals("452 4.5.3 Too many recipients"));
        assertThat(h.closed).isFalse();
        List<String> more = h.send("RCPT TO:<u@example.test>\r\n".repeat(5));
        assertThat(more).last().isEqualTo("421 4.7.0 Too many errors, closing transmission channel");
    }
}
