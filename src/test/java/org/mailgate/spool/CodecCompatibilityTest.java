package org.mailgate.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mailgate.mail.BodyType;
import org.mailgate.mail.DsnReturn;
import org.mailgate.mail.Mailbox;
import org.mailgate.mail.Notify;

/** The queue's file forms do not change with the types behind them: what an older version wrote reads back, and writes the same. */
class CodecCompatibilityTest {
    private static final String ENVELOPE = """
            MAILGATE-QUEUE 1
            id\t1M88AAAAA0000AAAA
            arrival\t2026-11-25T10:00:00Z
            client\t127.0.0.1
            helo\tclient.test
            auth\talice@example.com
            protocol\tESMTPSA
            sender\talice@example.com
            body\t8BITMIME
            smtputf8\tfalse
            ret\tHDRS
            envid\tenv+2B1
            rcpt\t"quoted@local"@example.org\tDELAY,FAILURE\trfc822;bob@example.org
            rcpt\tcarol@Example.NET\t\t

            """;

    @Test
    @DisplayName("an envelope block as written before reads into the typed envelope and encodes to the same bytes")
    void envelopeBlockRoundTrips() throws Exception {
        byte[] bytes = ENVELOPE.getBytes(StandardCharsets.UTF_8);
        SpoolEnvelope e = EnvelopeCodec.decode(bytes, "fixture").envelope();
        assertThat(e.sender()).contains(new Mailbox("alice", "example.com"));
        assertThat(e.authenticatedUser()).contains("alice@example.com");
        assertThat(e.body()).isEqualTo(BodyType.EIGHT_BIT_MIME);
        assertThat(e.ret()).contains(DsnReturn.HEADERS);
        assertThat(e.envelopeId()).contains("env+2B1");
        assertThat(e.recipients().get(0)).isEqualTo(new SpoolEnvelope.Recipient(new Mailbox("\"quoted@local\"", "example.org"),
                Set.of(Notify.DELAY, Notify.FAILURE), Optional.of("rfc822;bob@example.org")));
        assertThat(e.recipients().get(1).address()).isEqualTo(new Mailbox("carol", "example.net"));
        assertThat(new String(EnvelopeCodec.encode(e), StandardCharsets.UTF_8)).isEqualTo(ENVELOPE.replace("Example.NET", "example.net"));
    }

    @Test
    @DisplayName("a null sender, no client and no authentication are written as nothing, as before")
    void absentValuesAreEmpty() throws Exception {
        SpoolEnvelope notice = SpoolEnvelope.notice("1M88AAAAA0000AAAA", java.time.Instant.parse("2026-11-25T10:00:00Z"), "mx.test",
                Mailbox.stored("alice@example.com"), BodyType.SEVEN_BIT, false);
        String text = new String(EnvelopeCodec.encode(notice), StandardCharsets.UTF_8);
        assertThat(text).contains("client\t\n", "auth\t\n", "sender\t\n", "ret\t\n", "envid\t\n", "rcpt\talice@example.com\t\t\n");
        assertThat(EnvelopeCodec.decode(text.getBytes(StandardCharsets.UTF_8), "notice").envelope()).isEqualTo(notice);
    }

    @Test
    @DisplayName("a journal as written before replays, and encodes to the same lines")
    void journalRoundTrips() {
        String journal = "attempt\t2026-11-25T10:00:00Z\tbob@example.org\tPENDING\tmx.example.org[192.0.2.1]:25\t451 4.3.0 try again later\n"
                + "attempt\t2026-11-25T10:05:00Z\tbob@example.org\tFAILED\t\t550 5.1.1 <bob@example.org>: no such user here\n"
                + "reported\t2026-11-25T10:05:01Z\tbob@example.org\n"
                + "next\t2026-11-25T10:05:00Z\t2026-11-25T10:15:00Z\t2026-11-25T10:04:59Z\n";
        var events = DeliveryJournal.decode(journal.getBytes(StandardCharsets.UTF_8));
        assertThat(events).hasSize(4);
        assertThat(new String(DeliveryJournal.encode(events), StandardCharsets.UTF_8)).isEqualTo(journal);
    }
}
