package org.mailgate.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailgate.delivery.MailgateUnderTest.ALICE;
import static org.mailgate.delivery.MailgateUnderTest.await;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mailgate.spool.QueueIds;
import org.mailgate.spool.TestEnvelopes;

/**
 * What goes on the wire when we relay a message whose stored bytes hold every false end of data
 * (queued before the content checks, or by a bug): no bare CR or LF, and every line that starts
 * with "." stuffed, over DATA and over BDAT, so a next hop that ends lines at a bare CR or LF
 * reads the same lines, and the same single transaction, as one that does not.
 */
class RelayedBytesTest {
    private static final String SMUGGLED = "MAIL FROM:<bob@example.com>\r\nRCPT TO:<victim@example.org>\r\nDATA\r\n";

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"DATA", "BDAT"})
    @DisplayName("stored false ends go out as stuffed \".\" lines with CRLF line ends, never as commands")
    void storedFalseEndsGoOutWithOneReading(String command) throws Exception {
        List<String> extensions = command.equals("BDAT") ? List.of("PIPELINING", "CHUNKING") : List.of("PIPELINING");
        try (ScriptedReceiver receiver = new ScriptedReceiver(InetAddress.getLoopbackAddress(), 0, null, extensions,
                        r -> "250 2.1.5 ok", n -> new ScriptedReceiver.DataAnswer.ReplyWith("250 2.0.0 ok"));
                MailgateUnderTest mailgate = MailgateUnderTest.start(dir, MailgateUnderTest.literalDelivery(receiver.port()))) {
            StringBuilder stored = new StringBuilder("Subject: smuggle\r\n\r\nhello");
            for (String falseEnd : List.of("\r.\r\n", "\n.\n", "\n.\r\n", "\r\n.\r", "\r.\r")) {
                stored.append(falseEnd).append(SMUGGLED);
            }
            Instant now = Instant.now();
            String id = new QueueIds().next(now.toEpochMilli());
            mailgate.server.spool().enqueue(TestEnvelopes.envelope(id, now).submittedBy(ALICE).to("carol@[127.0.0.1]").build(),
                    stored.toString().getBytes(StandardCharsets.US_ASCII));
            await("the receiver to accept", Duration.ofSeconds(20), () -> !receiver.accepted.isEmpty());

            String wire = new String(receiver.wire(), StandardCharsets.ISO_8859_1);
            assertThat(wire.replace("\r\n", "")).as("no bare CR or LF on the wire").doesNotContain("\r", "\n");
            assertThat(receiver.commands.stream().filter(c -> c.startsWith("MAIL"))).as("one transaction only")
                    .containsExactly("MAIL FROM:<" + ALICE + ">");
            // Each false end is a "." line with CRLF on both sides; a bare CR or LF after a CRLF is an empty line of its own.
            String lines = "Subject: smuggle\r\n\r\nhello\r\n.\r\n" + SMUGGLED + ("\r\n.\r\n" + SMUGGLED).repeat(4);
            assertThat(receiver.accepted.get(0).data()).isEqualTo(lines);
            assertThat(wire).contains(command.equals("DATA") ? lines.replace("\r\n.\r\n", "\r\n..\r\n") + ".\r\n" : lines);
        }
    }
}
