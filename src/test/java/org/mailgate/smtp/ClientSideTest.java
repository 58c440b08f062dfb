package org.mailgate.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.mailgate.mail.BodyType;
import org.mailgate.mail.DsnReturn;
import org.mailgate.mail.Mailbox;
import org.mailgate.mail.Notify;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The client's half of the protocol, as delivery speaks it: EHLO parsing, command lines, DATA framing. */
class ClientSideTest {

    @Test
    @DisplayName("RFC 5321 4.1.1.1: the EHLO reply's lines after the first name the extensions, with SIZE's limit and AUTH's mechanisms")
    void parsesTheEhloReply() {
        Extensions e = Extensions.parse(List.of("mx.example.com greets you", "PIPELINING", "SIZE 35882577", "auth plain login", "8BITMIME"));
        assertThat(e.has("PIPELINING")).isTrue();
        assertThat(e.has("AUTH")).isTrue();
        assertThat(e.has("STARTTLS")).isFalse();
        assertThat(e.maxSize()).isEqualTo(35_882_577L);
        assertThat(e.authMechanisms()).containsExactlyInAnyOrder("PLAIN", "LOGIN");
        assertThat(Extensions.parse(List.of("mx.example.com")).keywords()).isEmpty();
    }

    @Test
    @DisplayName("MAIL and RCPT carry SIZE, BODY and SMTPUTF8, and the DSN parameters only where the server offers DSN")
    void commandLinesCarryOfferedParameters() {
        Extensions dsn = Extensions.parse(List.of("mx", "SIZE 1000", "DSN"));
        Extensions plain = Extensions.parse(List.of("mx"));
        Mailbox a = Mailbox.stored("a@example.com");
        Mailbox b = Mailbox.stored("b@example.org");
        assertThat(ClientCommands.mailFrom(dsn, Optional.of(a), 42, BodyType.EIGHT_BIT_MIME, true, Optional.of(DsnReturn.HEADERS), Optional.of("id+2B1")))
                .isEqualTo("MAIL FROM:<a@example.com> SIZE=42 BODY=8BITMIME SMTPUTF8 RET=HDRS ENVID=id+2B1");
        assertThat(ClientCommands.mailFrom(plain, Optional.empty(), 42, BodyType.SEVEN_BIT, false, Optional.of(DsnReturn.HEADERS), Optional.of("id")))
                .isEqualTo("MAIL FROM:<>");
        assertThat(ClientCommands.rcptTo(dsn, b, Set.of(Notify.FAILURE, Notify.DELAY), Optional.of("rfc822;b@example.org")))
                .isEqualTo("RCPT TO:<b@example.org> NOTIFY=DELAY,FAILURE ORCPT=rfc822;b@example.org");
        assertThat(ClientCommands.rcptTo(plain, b, Set.of(Notify.NEVER), Optional.empty())).isEqualTo("RCPT TO:<b@example.org>");
    }

    @Test
    @DisplayName("RFC 5321 4.5.2: a line starting with '.' gets another, even when it starts in the next piece; the end is CRLF.CRLF")
    void dotStuffing() {
        assertThat(encodeForData(".first\r\nsecond\r", "\n.", "third\r\n..fourth"))
                .isEqualTo("..first\r\nsecond\r\n..third\r\n...fourth\r\n.\r\n");
        assertThat(encodeForData("x\r\n")).isEqualTo("x\r\n.\r\n");
    }

    @ParameterizedTest(name = "stored {0}")
    @ValueSource(strings = {"\\r.\\r\\n", "\\n.\\n", "\\n.\\r\\n", "\\r\\n.\\r", "\\r.\\r"})
    @DisplayName("whatever the stored bytes hold, no bare CR or LF goes out, and every line starting with '.' is stuffed")
    void storedFalseEndsGoOutAsOneReading(String escaped) {
        String stored = escaped.replace("\\r", "\r").replace("\\n", "\n");
        // One reading for every next hop: the false end is a stuffed "." line, the smuggled command its text.
        assertThat(encodeForData("hello" + stored + "MAIL FROM:<bob@example.com>\r\n"))
                .isEqualTo("hello\r\n..\r\nMAIL FROM:<bob@example.com>\r\n.\r\n");
    }

    @Test
    @DisplayName("RFC 3030: BDAT content is not dot-stuffed, but its line ends go out as CRLF, a CR and LF split across pieces as one")
    void chunkContentGetsCrlfLineEnds() {
        ContentEncoder encoder = ContentEncoder.forChunks();
        StringBuilder wire = new StringBuilder();
        for (String piece : new String[] {"a\nb\r", "\nc\r", "d\r\n.e"}) {
            wire.append(ascii(encoder.encode(piece.getBytes(StandardCharsets.US_ASCII), 0, piece.length())));
        }
        assertThat(wire.toString()).isEqualTo("a\r\nb\r\nc\r\nd\r\n.e");
    }

    private static String encodeForData(String... pieces) {
        ContentEncoder encoder = ContentEncoder.forData();
        StringBuilder wire = new StringBuilder();
        for (String piece : pieces) {
            wire.append(ascii(encoder.encode(piece.getBytes(StandardCharsets.US_ASCII), 0, piece.length())));
        }
        return wire.append(ascii(encoder.end())).toString();
    }

    private static String ascii(byte[] bytes) {
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
