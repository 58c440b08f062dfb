package org.mailgate.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SMTP smuggling (CVE-2023-51764 and relatives): only CRLF "." CRLF ends DATA; any other
 * would-be terminator refuses the message, and what follows it is never run as a command.
 */
class SmugglingTest {

    @ParameterizedTest(name = "terminator {0}")
    @ValueSource(strings = {"\\n.\\n", "\\r.\\r", "\\n.\\r\\n", "\\r\\n.\\n", "\\r\\n.\\r", "\\r.\\n", "\\r\\n\\u0000.\\r\\n"})
    void falseTerminatorRefusesTheMessageAndSmugglesNothing(String escaped) {
        String terminator = escaped.replace("\\r", "\r").replace("\\n", "\n").replace("\\u0000", "\0");
        SessionHarness h = SmtpSessionTest.inData();
        List<String> replies = h.send("first" + terminator
                + "MAIL FROM:<smuggled@example.com>\r\nRCPT TO:<victim@example.com>\r\nDATA\r\nsmuggled\r\n.\r\n");
        assertThat(replies).hasSize(1);
        assertThat(replies.get(0)).startsWith("554 5.6.0 Message refused");
        assertThat(h.stored).isEmpty();
        assertThat(h.aborted).isEqualTo(1);
        // The session is in command mode again, with no transaction.
        assertThat(h.send("RCPT TO:<x@example.com>\r\n")).containsExactly("503 5.5.1 Need MAIL command");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7})
    void terminatorSplitAcrossReadsStillEndsData(int chunk) {
        SessionHarness h = SmtpSessionTest.inData();
        byte[] bytes = "line one\r\n..two\r\n.\r\nNOOP\r\n".getBytes();
        StringBuilder replies = new StringBuilder();
        for (int i = 0; i < bytes.length; i += chunk) {
            byte[] part = java.util.Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + chunk));
            h.send(part).forEach(r -> replies.append(r).append('|'));
        }
        assertThat(replies.toString()).isEqualTo("250 2.0.0 Ok: queued as ID1|250 2.0.0 Ok|");
        assertThat(h.lastContent()).isEqualTo("Subject: t\r\n\r\nline one\r\n.two\r\n");
    }

    @org.junit.jupiter.api.Test
    void textLineOver1000OctetsIsRefused() {
        SessionHarness h = new SessionHarness(new SessionSettings("mx.test", true, false, false, false, 100_000, 3, 20, 100));
        h.send("EHLO c\r\nMAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.com>\r\nDATA\r\n");
        assertThat(h.send("x".repeat(998) + "\r\n.\r\n")).containsExactly("250 2.0.0 Ok: queued as ID1");
        h.send("MAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.com>\r\nDATA\r\n");
        assertThat(h.send("x".repeat(999) + "\r\n.\r\n")).containsExactly("500 5.5.2 Message refused: text line longer than 998 octets");
    }
}
