package org.mailgate.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SMTP smuggling (CVE-2023-51764 and relatives) and the content rules DATA and BDAT share: only
 * CRLF "." CRLF ends DATA; a false end refuses the message, over DATA or BDAT, whether bare LFs
 * are refused or read as CRLF, in one piece or split anywhere; and what follows it is never run
 * as a command.
 */
class SmugglingTest {
    private static final String HEADER = "Subject: smuggle\r\n\r\nhello";

    static Stream<Arguments> falseEnds() {
        List<Arguments> cases = new ArrayList<>();
        for (String end : SmugglingVectors.FALSE_ENDS) {
            for (BareLineFeed mode : BareLineFeed.values()) {
                cases.add(Arguments.of(SmugglingVectors.show(end), end, mode));
            }
        }
        return cases.stream();
    }

    private static SessionHarness inbound(BareLineFeed mode) {
        SessionHarness h = new SessionHarness(SessionHarness.INBOUND.withBareLineFeed(mode));
        h.send("EHLO c\r\nMAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.com>\r\n");
        return h;
    }

    @ParameterizedTest(name = "DATA, false end {0}, bare LF {2}")
    @MethodSource("falseEnds")
    void falseEndOverDataRefusesTheMessageAndSmugglesNothing(String name, String falseEnd, BareLineFeed mode) {
        SessionHarness h = inbound(mode);
        assertThat(h.send("DATA\r\n")).containsExactly("354 End data with <CR><LF>.<CR><LF>");
        List<String> replies = h.send(HEADER + falseEnd + SmugglingVectors.SMUGGLED);
        assertRefusedAndNothingSmuggled(h, replies);
    }

    @ParameterizedTest(name = "DATA fed one octet at a time, false end {0}, bare LF {2}")
    @MethodSource("falseEnds")
    void falseEndOverDataSplitIntoSingleOctets(String name, String falseEnd, BareLineFeed mode) {
        SessionHarness h = inbound(mode);
        h.send("DATA\r\n");
        List<String> replies = new ArrayList<>();
        for (byte b : (HEADER + falseEnd + SmugglingVectors.SMUGGLED).getBytes(StandardCharsets.UTF_8)) {
            replies.addAll(h.send(new byte[] {b}));
        }
        assertRefusedAndNothingSmuggled(h, replies);
    }

    @ParameterizedTest(name = "BDAT in one chunk, false end {0}, bare LF {2}")
    @MethodSource("falseEnds")
    void falseEndOverBdatRefusesTheMessage(String name, String falseEnd, BareLineFeed mode) {
        SessionHarness h = inbound(mode);
        byte[] content = (HEADER + falseEnd + SmugglingVectors.SMUGGLED).getBytes(StandardCharsets.UTF_8);
        List<String> replies = h.send(concat(("BDAT " + content.length + " LAST\r\n").getBytes(StandardCharsets.US_ASCII), content));
        assertRefusedAndNothingSmuggled(h, replies);
    }

    @ParameterizedTest(name = "BDAT in two chunks split at every octet, false end {0}, bare LF {2}")
    @MethodSource("falseEnds")
    void falseEndOverBdatSplitAcrossChunks(String name, String falseEnd, BareLineFeed mode) {
        byte[] content = (HEADER + falseEnd + "after\r\n").getBytes(StandardCharsets.UTF_8);
        for (int split = 1; split < content.length; split++) {
            SessionHarness h = inbound(mode);
            List<String> replies = new ArrayList<>(h.send(chunk(Arrays.copyOfRange(content, 0, split), false)));
            if (replies.get(0).startsWith("250")) {
                replies.addAll(h.send(chunk(Arrays.copyOfRange(content, split, content.length), true)));
            }
            assertThat(replies).as("split at %d", split).last().asString().startsWith("554 5.6.0 Message refused");
            assertThat(h.stored).as("split at %d", split).isEmpty();
        }
    }

    private static void assertRefusedAndNothingSmuggled(SessionHarness h, List<String> replies) {
        assertThat(replies).hasSize(1);
        assertThat(replies.get(0)).startsWith("554 5.6.0 Message refused");
        assertThat(h.stored).isEmpty();
        assertThat(h.aborted).isEqualTo(1);
        // The session is in command mode again, with no transaction: the smuggled MAIL never ran.
        assertThat(h.send("RCPT TO:<x@example.com>\r\n")).containsExactly("503 5.5.1 Need MAIL command");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(BareLineFeed.class)
    @DisplayName("RFC 3030: a CR at the end of one chunk and its LF at the start of the next are one line end")
    void lineEndSplitAcrossChunks(BareLineFeed mode) {
        SessionHarness h = inbound(mode);
        assertThat(h.send("BDAT 13\r\nSubject: x\r\n\r")).containsExactly("250 2.0.0 13 octets received");
        assertThat(h.send("BDAT 7 LAST\r\n\nbody\r\n")).containsExactly("250 2.0.0 Ok: queued as ID1");
        assertThat(h.lastContent()).isEqualTo("Subject: x\r\n\r\nbody\r\n");
    }

    @Test
    void aCrEndingTheLastChunkIsABareCr() {
        SessionHarness h = inbound(BareLineFeed.REJECT);
        assertThat(h.send("BDAT 16 LAST\r\nSubject: x\r\n\r\nb\r")).containsExactly("554 5.6.0 Message refused: bare CR or LF (RFC 5321 2.3.8)");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Transfer.class)
    void bareLineFeedIsRefusedByDefault(Transfer transfer) {
        SessionHarness h = inbound(BareLineFeed.REJECT);
        assertThat(transfer.send(h, "Subject: x\n\r\nbody\r\n")).containsExactly("554 5.6.0 Message refused: bare CR or LF (RFC 5321 2.3.8)");
        assertThat(h.stored).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Transfer.class)
    @DisplayName("bare-line-feed = normalize: a bare LF is stored as CRLF, so the header section ends where every reader ends it")
    void bareLineFeedIsNormalizedWhenConfigured(Transfer transfer) {
        SessionHarness h = inbound(BareLineFeed.NORMALIZE);
        assertThat(transfer.send(h, "Subject: x\nFrom: a@example.com\n\nline\n..dot\r\n")).containsExactly("250 2.0.0 Ok: queued as ID1");
        String dots = transfer == Transfer.DATA ? ".dot" : "..dot"; // dot-stuffing is DATA's alone
        assertThat(h.lastContent()).isEqualTo("Subject: x\r\nFrom: a@example.com\r\n\r\nline\r\n" + dots + "\r\n");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Transfer.class)
    void bareCrIsRefusedEvenWhenLineFeedsAreNormalized(Transfer transfer) {
        SessionHarness h = inbound(BareLineFeed.NORMALIZE);
        assertThat(transfer.send(h, "Subject: x\r\n\r\nbody\rmore\r\n")).containsExactly("554 5.6.0 Message refused: bare CR or LF (RFC 5321 2.3.8)");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Transfer.class)
    void nulIsRefused(Transfer transfer) {
        SessionHarness h = inbound(BareLineFeed.REJECT);
        assertThat(transfer.send(h, "Subject: x\r\n\r\nbo\0dy\r\n")).containsExactly("554 5.6.0 Message refused: NUL character");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Transfer.class)
    @DisplayName("RFC 5321 4.5.3.1.6: a text line is at most 998 octets and its CRLF, over DATA and BDAT alike")
    void textLineOver998OctetsIsRefused(Transfer transfer) {
        SessionHarness h = new SessionHarness(SessionSettings.inbound("mx.test").withLimits(100_000, 3, 20, 100));
        h.send("EHLO c\r\nMAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.com>\r\n");
        assertThat(transfer.send(h, "x".repeat(998) + "\r\n")).containsExactly("250 2.0.0 Ok: queued as ID1");
        h.send("MAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.com>\r\n");
        assertThat(transfer.send(h, "x".repeat(5000) + "\r\n")).containsExactly("500 5.5.2 Message refused: text line longer than 998 octets");
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {1, 2, 3, 7})
    void terminatorSplitAcrossReadsStillEndsData(int chunk) {
        SessionHarness h = SmtpSessionTest.inData();
        byte[] bytes = "line one\r\n..two\r\n.\r\nNOOP\r\n".getBytes(StandardCharsets.US_ASCII);
        StringBuilder replies = new StringBuilder();
        for (int i = 0; i < bytes.length; i += chunk) {
            h.send(Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + chunk))).forEach(r -> replies.append(r).append('|'));
        }
        assertThat(replies.toString()).isEqualTo("250 2.0.0 Ok: queued as ID1|250 2.0.0 Ok|");
        assertThat(h.lastContent()).isEqualTo("Subject: t\r\n\r\nline one\r\n.two\r\n");
    }

    /** The same content over DATA (dot-stuffed as a client would) or in one BDAT LAST chunk. */
    enum Transfer {
        DATA {
            @Override
            List<String> send(SessionHarness h, String content) {
                h.send("DATA\r\n");
                return h.send(content.replace("\r\n.", "\r\n..") + (content.endsWith("\n") ? "" : "\r\n") + ".\r\n");
            }
        },
        BDAT {
            @Override
            List<String> send(SessionHarness h, String content) {
                return h.send(chunk(content.getBytes(StandardCharsets.UTF_8), true));
            }
        };

        abstract List<String> send(SessionHarness h, String content);
    }

    private static byte[] chunk(byte[] content, boolean last) {
        return concat(("BDAT " + content.length + (last ? " LAST" : "") + "\r\n").getBytes(StandardCharsets.US_ASCII), content);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
