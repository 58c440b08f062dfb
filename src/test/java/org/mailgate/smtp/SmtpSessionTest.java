package org.mailgate.smtp;

import org.mailgate.mail.Mailbox;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SmtpSessionTest {

    private static String first(List<String> replies) {
        return replies.get(0);
    }

    @Test
    @DisplayName("RFC 5321 4.2 / RFC 2034: the greeting carries no enhanced status code")
    void greetsWithoutEnhancedStatus() {
        SessionHarness h = new SessionHarness(SessionHarness.INBOUND);
        assertThat(h.replies(0)).containsExactly("220 mx.test ESMTP Mailgate");
    }

    @Test
    void ehloAdvertisesTheExtensionsWeHonour() {
        SessionHarness h = new SessionHarness(SessionHarness.INBOUND);
        String reply = first(h.send("EHLO client.test\r\n"));
        assertThat(reply).contains("250-PIPELINING", "250-SIZE 1000", "250-8BITMIME", "250-ENHANCEDSTATUSCODES",
                "250-SMTPUTF8", "250-CHUNKING", "250-DSN", "250 STARTTLS").doesNotContain("AUTH");
    }

    @Test
    @DisplayName("RFC 3207 / RFC 6409: AUTH is not advertised before STARTTLS")
    void authIsNotAdvertisedBeforeStartTls() {
        SessionHarness h = new SessionHarness(SessionHarness.SUBMISSION);
        assertThat(first(h.send("EHLO client.test\r\n"))).doesNotContain("AUTH").contains("STARTTLS");
        h.send("STARTTLS\r\n");
        assertThat(first(h.send("EHLO client.test\r\n"))).contains("250 AUTH PLAIN LOGIN").doesNotContain("STARTTLS");
    }

    @Test
    void authBeforeStartTlsIsRefused() {
        SessionHarness h = new SessionHarness(SessionHarness.SUBMISSION);
        h.send("EHLO client.test\r\n");
        assertThat(h.send("AUTH PLAIN AGFsaWNlQGV4YW1wbGUuY29tAHNlY3JldA==\r\n"))
                .containsExactly("530 5.7.0 Must issue a STARTTLS command first");
    }

    @Test
    void mailBeforeAuthIsRefusedOnSubmission() {
        SessionHarness h = new SessionHarness(SessionHarness.SUBMISSION);
        h.send("EHLO client.test\r\n");
        assertThat(h.send("MAIL FROM:<a@example.com>\r\n")).containsExactly("530 5.7.0 Must issue a STARTTLS command first");
        h.send("STARTTLS\r\n");
        h.send("EHLO client.test\r\n");
        assertThat(h.send("MAIL FROM:<a@example.com>\r\n")).containsExactly("530 5.7.0 Authentication required");
    }

    @Test
    @DisplayName("CVE-2011-0411: commands pipelined after STARTTLS are discarded, never executed")
    void commandsPipelinedAfterStartTlsAreDiscarded() {
        SessionHarness h = new SessionHarness(SessionHarness.SUBMISSION);
        h.send("EHLO client.test\r\n");
        List<String> replies = h.send("STARTTLS\r\nMAIL FROM:<evil@example.com>\r\nRCPT TO:<x@example.com>\r\n");
        assertThat(replies).containsExactly("220 2.0.0 Ready to start TLS");
        assertThat(h.send("NOOP\r\n")).containsExactly("250 2.0.0 Ok");
        // The session starts over after the handshake: no EHLO, no transaction.
        assertThat(h.send("RCPT TO:<x@example.com>\r\n")).containsExactly("503 5.5.1 Need MAIL command");
    }

    @Test
    void authPlainWithInitialResponse() {
        SessionHarness h = new SessionHarness(SessionHarness.SUBMISSION);
        h.send("EHLO c\r\nSTARTTLS\r\n");
        h.send("EHLO c\r\n");
        assertThat(h.send("AUTH PLAIN AGFsaWNlQGV4YW1wbGUuY29tAHNlY3JldA==\r\n")).containsExactly("235 2.7.0 Authentication successful");
        assertThat(h.session.authenticatedUser()).isEqualTo("alice@example.com");
        assertThat(h.send("AUTH PLAIN AGFsaWNlQGV4YW1wbGUuY29tAHNlY3JldA==\r\n")).containsExactly("503 5.5.1 Already authenticated");
    }

    @Test
    void authLoginExchange() {
        SessionHarness h = new SessionHarness(SessionHarness.SUBMISSION);
        h.send("EHLO c\r\nSTARTTLS\r\n");
        h.send("EHLO c\r\n");
        assertThat(h.send("AUTH LOGIN\r\n")).containsExactly("334 VXNlcm5hbWU6");
        assertThat(h.send("YWxpY2VAZXhhbXBsZS5jb20=\r\n")).containsExactly("334 UGFzc3dvcmQ6");
        assertThat(h.send("d3Jvbmc=\r\n")).containsExactly("535 5.7.8 Authentication credentials invalid");
    }

    @Test
    void authCancelledWithAsteriskAndBadBase64() {
        SessionHarness h = new SessionHarness(SessionHarness.SUBMISSION);
        h.send("EHLO c\r\nSTARTTLS\r\n");
        h.send("EHLO c\r\n");
        assertThat(h.send("AUTH PLAIN\r\n")).containsExactly("334");
        assertThat(h.send("*\r\n")).containsExactly("501 5.0.0 Authentication cancelled");
        assertThat(h.send("AUTH PLAIN !!!notbase64\r\n")).containsExactly("501 5.5.2 Invalid base64 data");
        assertThat(h.send("AUTH CRAM-MD5\r\n")).containsExactly("504 5.5.4 Unrecognized authentication mechanism");
    }

    @Test
    @DisplayName("RFC 2920: pipelined commands are answered in order, in one batch")
    void pipelinedCommandsAreAnsweredInOrder() {
        SessionHarness h = new SessionHarness(SessionHarness.INBOUND);
        h.send("EHLO c\r\n");
        List<String> replies = h.send("MAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.com>\r\nRCPT TO:<c@nowhere.test>\r\nDATA\r\n");
        assertThat(replies).containsExactly("250 2.1.0 Ok", "250 2.1.5 Ok", "554 5.7.1 Relay access denied",
                "354 End data with <CR><LF>.<CR><LF>");
        assertThat(h.send("Subject: x\r\n\r\nhello\r\n.\r\nQUIT\r\n")).containsExactly("250 2.0.0 Ok: queued as ID1", "221 2.0.0 Bye");
        assertThat(h.closed).isTrue();
    }

    @Test
    @DisplayName("RFC 5321 4.5.2: dot-stuffing is undone")
    void dotStuffingIsUndone() {
        SessionHarness h = inData();
        h.send("..leading dot\r\n.\r\n");
        assertThat(h.lastContent()).isEqualTo("Subject: t\r\n\r\n.leading dot\r\n");
    }

    @Test
    @DisplayName("RFC 5321 4.5.3.1.4: a command line over 512 octets is refused")
    void overlongCommandLineIsRefused() {
        SessionHarness h = new SessionHarness(SessionHarness.INBOUND);
        assertThat(h.send("NOOP " + "x".repeat(600) + "\r\n")).containsExactly("500 5.5.2 Line too long");
    }

    @Test
    void endlessLineIsDroppedNotBuffered() {
        SessionHarness h = new SessionHarness(SessionHarness.INBOUND);
        for (int i = 0; i < 100; i++) {
            assertThat(h.send("x".repeat(100_000))).isEmpty();
        }
        assertThat(h.send("\r\nNOOP\r\n")).containsExactly("500 5.5.2 Line too long", "250 2.0.0 Ok");
    }

    @Test
    @DisplayName("RFC 1870: MAIL SIZE= over the limit is refused")
    void mailSizeOverLimitIsRefused() {
        SessionHarness h = new SessionHarness(SessionHarness.INBOUND);
        h.send("EHLO c\r\n");
        assertThat(h.send("MAIL FROM:<a@example.com> SIZE=1001\r\n")).containsExactly("552 5.3.4 Message size exceeds fixed maximum message size");
    }

    @Test
    void dataOverSizeLimitIsRefusedAfterTheEnd() {
        SessionHarness h = inData();
        assertThat(h.send(("x".repeat(100) + "\r\n").repeat(11))).isEmpty();
        assertThat(h.send(".\r\n")).containsExactly("552 5.3.4 Message size exceeds fixed maximum message size");
        assertThat(h.stored).isEmpty();
    }

    @Test
    @DisplayName("RFC 3461: DSN parameters are kept with the envelope")
    void dsnParametersAreKept() {
        SessionHarness h = new SessionHarness(SessionHarness.INBOUND);
        h.send("EHLO c\r\n");
        assertThat(h.send("MAIL FROM:<a@example.com> RET=HDRS ENVID=abc+2B1 BODY=8BITMIME\r\n")).containsExactly("250 2.1.0 Ok");
        assertThat(h.send("RCPT TO:<b@example.com> NOTIFY=FAILURE,DELAY ORCPT=rfc822;b@example.com\r\n")).containsExactly("250 2.1.5 Ok");
        h.send("DATA\r\n");
        h.send("\r\nbody\r\n.\r\n");
        Envelope envelope = h.stored.get(0);
        assertThat(envelope.parameters().ret()).contains(org.mailgate.mail.DsnReturn.HEADERS);
        assertThat(envelope.parameters().envelopeId()).contains("abc+2B1");
        assertThat(envelope.recipients().get(0).parameters().notifyOn())
                .containsExactlyInAnyOrder(org.mailgate.mail.Notify.FAILURE, org.mailgate.mail.Notify.DELAY);
        assertThat(envelope.recipients().get(0).parameters().originalRecipient()).contains("rfc822;b@example.com");
    }

    @Test
    void unknownParametersAreRefused() {
        SessionHarness h = new SessionHarness(SessionHarness.INBOUND);
        h.send("EHLO c\r\n");
        assertThat(h.send("MAIL FROM:<a@example.com> FOO=bar\r\n")).containsExactly("555 5.5.4 Unsupported parameter");
        assertThat(h.send("MAIL FROM:<a@example.com> NOTIFY=NEVER\r\n")).containsExactly("555 5.5.4 Unsupported parameter");
    }

    @Test
    @DisplayName("RFC 6531: a non-ASCII address needs SMTPUTF8")
    void nonAsciiAddressNeedsSmtpUtf8() {
        SessionHarness h = new SessionHarness(SessionHarness.INBOUND);
        h.send("EHLO c\r\n");
        assertThat(h.send("MAIL FROM:<jürgen@example.com>\r\n")).containsExactly("553 5.6.7 Non-ASCII address requires the SMTPUTF8 parameter");
        assertThat(h.send("MAIL FROM:<jürgen@example.com> SMTPUTF8\r\n")).containsExactly("250 2.1.0 Ok");
        assertThat(h.send("RCPT TO:<José@example.com>\r\n")).containsExactly("250 2.1.5 Ok");
    }

    @Test
    @DisplayName("RFC 5321 3.5.3: VRFY reveals nothing")
    void vrfyRevealsNothing() {
        SessionHarness h = new SessionHarness(SessionHarness.INBOUND);
        assertThat(h.send("VRFY root\r\n")).containsExactly("252 2.5.0 Cannot VRFY user, but will accept message and attempt delivery");
        assertThat(h.send("EXPN staff\r\n")).containsExactly("502 5.5.1 Command not implemented");
    }

    @Test
    void recipientLimitAnswers452() {
        SessionHarness h = new SessionHarness(SessionHarness.INBOUND);
        h.send("EHLO c\r\nMAIL FROM:<a@example.com>\r\n");
        h.send("RCPT TO:<1@example.com>\r\nRCPT TO:<2@example.com>\r\nRCPT TO:<3@example.com>\r\n");
        assertThat(h.send("RCPT TO:<4@example.com>\r\n")).containsExactly("452 4.5.3 Too many recipients");
    }

    @Test
    @DisplayName("RFC 5321 4.1.1.3: RCPT TO:<Postmaster> needs no domain; it is the postmaster of this host")
    void barePostmasterIsTheHostsPostmaster() {
        SessionHarness h = new SessionHarness(SessionHarness.INBOUND);
        h.send("EHLO c\r\nMAIL FROM:<a@example.com>\r\n");
        assertThat(h.send("RCPT TO:<PostMaster>\r\n")).containsExactly("250 2.1.5 Ok");
        h.send("DATA\r\nSubject: x\r\n\r\nhi\r\n.\r\n");
        assertThat(h.stored.get(0).recipients().get(0).address()).isEqualTo(new Mailbox("postmaster", "mx.test"));
    }

    @Test
    void commandsOutOfSequence() {
        SessionHarness h = new SessionHarness(SessionHarness.INBOUND);
        assertThat(h.send("MAIL FROM:<a@example.com>\r\n")).containsExactly("503 5.5.1 Send EHLO or HELO first");
        h.send("HELO c\r\n");
        assertThat(h.send("DATA\r\n")).containsExactly("503 5.5.1 Need MAIL command");
        h.send("MAIL FROM:<a@example.com>\r\n");
        assertThat(h.send("MAIL FROM:<a@example.com>\r\n")).containsExactly("503 5.5.1 Sender already specified");
        assertThat(h.send("DATA\r\n")).containsExactly("554 5.5.1 No valid recipients");
        assertThat(h.send("FOO\r\n")).containsExactly("500 5.5.2 Syntax error, command unrecognized");
        assertThat(h.send("RSET\r\n")).containsExactly("250 2.0.0 Ok");
    }

    @Test
    @DisplayName("RFC 3030: BDAT chunks, LAST, and the chunk is consumed even when refused")
    void bdatChunks() {
        SessionHarness h = new SessionHarness(SessionHarness.INBOUND);
        h.send("EHLO c\r\n");
        assertThat(h.send("BDAT 5\r\nhello")).containsExactly("503 5.5.1 No valid mail transaction in progress");
        h.send("MAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.com>\r\n");
        assertThat(h.send("BDAT 12\r\nSubject: x\r\n")).containsExactly("250 2.0.0 12 octets received");
        assertThat(h.send("BDAT 8 LAST\r\n\r\nbody\r\n")).containsExactly("250 2.0.0 Ok: queued as ID1");
        assertThat(h.lastContent()).isEqualTo("Subject: x\r\n\r\nbody\r\n");
    }

    @Test
    void bdatOverSizeLimitIsRefused() {
        SessionHarness h = new SessionHarness(SessionHarness.INBOUND);
        h.send("EHLO c\r\nMAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.com>\r\n");
        assertThat(h.send("BDAT 1200 LAST\r\n" + ("x".repeat(98) + "\r\n").repeat(12))).containsExactly("552 5.3.4 Message size exceeds fixed maximum message size");
        assertThat(h.stored).isEmpty();
        assertThat(h.send("NOOP\r\n")).containsExactly("250 2.0.0 Ok");
    }

    @Test
    void shutdownWaitsForTheTransactionInFlight() {
        SessionHarness h = inData();
        h.session.requestShutdown();
        assertThat(h.closed).isFalse();
        assertThat(h.send("body\r\n.\r\n")).containsExactly("250 2.0.0 Ok: queued as ID1",
                "421 4.3.2 Service shutting down, closing transmission channel");
        assertThat(h.closed).isTrue();
    }

    static SessionHarness inData() {
        SessionHarness h = new SessionHarness(SessionHarness.INBOUND);
        h.send("EHLO c\r\nMAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.com>\r\n");
        assertThat(h.send("DATA\r\n")).containsExactly("354 End data with <CR><LF>.<CR><LF>");
        h.send("Subject: t\r\n\r\n");
        return h;
    }
}
