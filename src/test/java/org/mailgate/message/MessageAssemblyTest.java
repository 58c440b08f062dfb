package org.mailgate.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mailgate.mail.Mailbox;
import org.mailgate.mail.Refusal;

/** A message through the pipeline: the header held until known, the modifiers' fields in front, the checks at the end. */
class MessageAssemblyTest {
    private static final Transaction TRANSACTION = new Transaction("1M88AAAAA0000AAAA", Instant.parse("2026-11-25T10:00:00Z"),
            new Client("192.0.2.7", "client.test", Optional.of("alice@example.com")), "ESMTPSA",
            Optional.of(Mailbox.stored("alice@example.com")), List.of(Mailbox.stored("bob@example.org")));

    private final MemorySink sink = new MemorySink();

    private MessageAssembly assembly(List<Check> checks, List<Modifier> modifiers, int maxHeaderSize) {
        return assembly(checks, modifiers, List.of(), maxHeaderSize);
    }

    private MessageAssembly assembly(List<Check> checks, List<Modifier> modifiers, List<Signer> signers, int maxHeaderSize) {
        return new MessagePipeline(checks, modifiers, signers, List.of(), maxHeaderSize).assemble(TRANSACTION, List.of(), sink);
    }

    private String written() {
        return sink.toString(StandardCharsets.UTF_8);
    }

    @Test
    @DisplayName("RFC 5321 4.4, RFC 6409 8: our Received field first, then the Message-ID and Date a client left out, then its header")
    void modifiersAddFieldsInFrontOfTheHeader() throws Exception {
        MessageAssembly a = assembly(List.of(), List.of(new ReceivedField("mx.test"), new SubmissionFixups("mx.test")), 1000);
        a.append("From: alice@example.com\r\n".getBytes(StandardCharsets.UTF_8));
        assertThat(written()).as("nothing leaves before the header section is known").isEmpty();
        a.append("\r\nbody\r\n".getBytes(StandardCharsets.UTF_8));
        assertThat(a.finish()).isEmpty();
        assertThat(written()).isEqualTo("Received: from client.test (192.0.2.7)\r\n\tby mx.test (Mailgate) with ESMTPSA id 1M88AAAAA0000AAAA"
                + "\r\n\tfor <bob@example.org>; Wed, 25 Nov 2026 10:00:00 +0000\r\n"
                + "Message-ID: <1M88AAAAA0000AAAA@mx.test>\r\nDate: Wed, 25 Nov 2026 10:00:00 +0000\r\n"
                + "From: alice@example.com\r\n\r\nbody\r\n");
        assertThat(a.size()).isEqualTo("From: alice@example.com\r\n\r\nbody\r\n".length());
    }

    @Test
    @DisplayName("RFC 6376 5.4: a Message-ID or Date that the client's own DKIM signature names is not added (it would break it)")
    void fixupsDoNotBreakAnExistingSignature() throws Exception {
        MessageAssembly a = assembly(List.of(), List.of(new SubmissionFixups("mx.test")), 1000);
        a.append("DKIM-Signature: v=1; d=example.com; h=from : date;\r\n b=x\r\nFrom: alice@example.com\r\n\r\n".getBytes(StandardCharsets.UTF_8));
        assertThat(a.finish()).isEmpty();
        assertThat(written()).startsWith("Message-ID: <1M88AAAAA0000AAAA@mx.test>\r\nDKIM-Signature:").doesNotContain("\r\nDate:");
    }

    /** A signer whose fields say what it was given: the header section it saw, and how many body octets. */
    private static final class CountingSigner implements Signer {
        @Override
        public Optional<Signing> start(Transaction transaction, HeaderSection header, byte[] fields) {
            return Optional.of(new Signing() {
                private long body;

                @Override
                public int length() {
                    return 20;
                }

                @Override
                public void body(byte[] bytes, int offset, int length) {
                    body += length;
                }

                @Override
                public byte[] fields() {
                    return String.format("X-Signed: %3d %4d\r\n", fields.length, body).getBytes(StandardCharsets.US_ASCII);
                }
            });
        }
    }

    @Test
    @DisplayName("a signer's room goes first, is filled at the end, and it saw the final header section and every body octet")
    void signersFillTheRoomKeptForThem() throws Exception {
        MessageAssembly a = assembly(List.of(), List.of(new SubmissionFixups("mx.test")), List.of(new CountingSigner()), 1000);
        a.append("From: alice@example.com\r\nDate: x\r\n\r\nbo".getBytes(StandardCharsets.UTF_8));
        a.append("dy\r\n".getBytes(StandardCharsets.UTF_8));
        assertThat(written()).startsWith(" ".repeat(20) + "Message-ID:");
        assertThat(a.finish()).isEmpty();
        String header = "Message-ID: <1M88AAAAA0000AAAA@mx.test>\r\nFrom: alice@example.com\r\nDate: x\r\n";
        assertThat(written()).isEqualTo(String.format("X-Signed: %3d %4d\r\n", header.length(), 6) + header + "\r\nbody\r\n");
    }

    @Test
    void theBodyStreamsOnceTheHeaderIsKnown() throws Exception {
        MessageAssembly a = assembly(List.of(), List.of(), 1000);
        a.append("Subject: x\r\n\r\n".getBytes(StandardCharsets.UTF_8));
        a.append("line one\r\n".getBytes(StandardCharsets.UTF_8));
        assertThat(written()).isEqualTo("Subject: x\r\n\r\nline one\r\n");
    }

    @Test
    @DisplayName("a message sent an octet at a time (the empty line split across appends) comes out as the one sent whole")
    void octetAtATime() throws Exception {
        byte[] message = "From: alice@example.com\r\nSubject: x\r\n\r\nbody\r\n".getBytes(StandardCharsets.UTF_8);
        MessageAssembly whole = assembly(List.of(), List.of(new ReceivedField("mx.test")), 1000);
        whole.append(message);
        whole.finish();
        String expected = written();
        sink.reset();
        MessageAssembly pieces = assembly(List.of(), List.of(new ReceivedField("mx.test")), 1000);
        for (byte b : message) {
            pieces.append(new byte[] {b});
        }
        assertThat(pieces.finish()).isEmpty();
        assertThat(written()).isEqualTo(expected).endsWith("Subject: x\r\n\r\nbody\r\n");
        assertThat(pieces.size()).isEqualTo(message.length);
    }

    @Test
    @DisplayName("a header section over the limit refuses the message at its end (552 5.3.4), and nothing of it was kept")
    void oversizedHeaderIsRefused() throws Exception {
        MessageAssembly a = assembly(List.of(), List.of(new ReceivedField("mx.test")), 100);
        a.append(("X-Long: " + "a".repeat(60) + "\r\n").repeat(3).getBytes(StandardCharsets.UTF_8));
        assertThat(a.finish()).contains(Refusal.HEADER_TOO_LARGE);
        assertThat(written()).isEmpty();
    }

    @Test
    @DisplayName("the checks see the header section of a message without a body too; they run in order and the first refusal wins")
    void checksRunInOrderAndTheFirstRefusalWins() throws Exception {
        List<String> seen = new ArrayList<>();
        Check first = new Check() {
            @Override
            public Optional<Refusal> checkMessage(Transaction t, HeaderSection header) {
                seen.add("first " + header.values("Subject"));
                return Optional.of(Refusal.HEADER_FROM_NOT_OWNED);
            }
        };
        Check second = new Check() {
            @Override
            public Optional<Refusal> checkMessage(Transaction t, HeaderSection header) {
                seen.add("second");
                return Optional.empty();
            }
        };
        MessageAssembly a = assembly(List.of(first, second), List.of(), 1000);
        a.append("Subject: no body\r\n".getBytes(StandardCharsets.UTF_8));
        assertThat(a.finish()).contains(Refusal.HEADER_FROM_NOT_OWNED);
        assertThat(seen).containsExactly("first [no body]");
    }
}
