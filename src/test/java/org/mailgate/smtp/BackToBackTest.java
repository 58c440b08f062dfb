package org.mailgate.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mailgate.mail.BodyType;
import org.mailgate.mail.DsnReturn;
import org.mailgate.mail.Mailbox;
import org.mailgate.mail.Notify;
import org.mailgate.mail.Reply;
import org.mailgate.smtp.ClientDialogue.Step;

/**
 * Our client dialogue against our server session, back to back in memory as h11 tests its two
 * halves: every byte the client writes is fed to {@link SmtpSession}, every reply goes back as
 * wire text through the client's {@link ReplyParser}. Covers each extension both sides speak
 * (PIPELINING, SIZE, 8BITMIME, SMTPUTF8, DSN, CHUNKING, STARTTLS, AUTH PLAIN and LOGIN), and,
 * by hiding keywords from the EHLO reply, the paths of a client facing a server without them.
 */
class BackToBackTest {
    private static final ClientDialogue.Login ALICE = new ClientDialogue.Login("alice@example.com", "secret");
    private static final String BODY = "From: alice@example.com\r\nSubject: hi\r\n\r\n.a line with a leading dot\r\nend\r\n";

    @Test
    @DisplayName("submission: STARTTLS, EHLO again, AUTH PLAIN, pipelined envelope, BDAT; the server stores the exact bytes")
    void submissionWithEverything() {
        Pair pair = new Pair(SessionHarness.SUBMISSION, ClientDialogue.Tls.REQUIRED, Optional.of(ALICE), Set.of());
        Step ready = pair.open();
        assertThat(ready).isInstanceOf(Step.Ready.class);
        assertThat(pair.dialogue.tlsActive()).isTrue();
        assertThat(pair.commands).contains("STARTTLS").anyMatch(c -> c.startsWith("AUTH PLAIN "));
        assertThat(pair.commands.stream().filter(c -> c.startsWith("EHLO"))).as("EHLO again after TLS").hasSize(2);

        Step.Done done = pair.send(transaction(List.of("bob@example.org", "carol@example.org"), BodyType.SEVEN_BIT, false));
        assertThat(done.perRecipient()).extracting(Reply::code).containsExactly(250, 250);
        assertThat(pair.writes).as("MAIL and both RCPTs in one write").contains(List.of(
                "MAIL FROM:<alice@example.com> SIZE=" + BODY.length(), "RCPT TO:<bob@example.org>", "RCPT TO:<carol@example.org>"));
        assertThat(pair.commands).anyMatch(c -> c.startsWith("BDAT ") && c.endsWith(" LAST"));
        assertThat(pair.server.lastContent()).endsWith(BODY);
        assertThat(pair.server.stored.get(0).recipients()).hasSize(2);
    }

    @Test
    @DisplayName("without CHUNKING and PIPELINING: RCPT one at a time, DATA dot-stuffed, the leading dot restored by the server")
    void dataWithoutPipelining() {
        Pair pair = new Pair(SessionHarness.INBOUND, ClientDialogue.Tls.OPPORTUNISTIC, Optional.empty(), Set.of("CHUNKING", "PIPELINING"));
        assertThat(pair.open()).isInstanceOf(Step.Ready.class);
        Step.Done done = pair.send(transaction(List.of("bob@example.org"), BodyType.SEVEN_BIT, false));
        assertThat(done.perRecipient()).extracting(Reply::code).containsExactly(250);
        assertThat(pair.writes).allMatch(w -> w.size() <= 1);
        assertThat(pair.commands).contains("DATA").noneMatch(c -> c.startsWith("BDAT"));
        assertThat(pair.server.lastContent()).endsWith(BODY);
    }

    @Test
    @DisplayName("8BITMIME, SMTPUTF8 and the DSN parameters reach the server's envelope")
    void bodyUtf8AndDsnParameters() {
        Pair pair = new Pair(SessionHarness.INBOUND, ClientDialogue.Tls.NONE, Optional.empty(), Set.of());
        pair.open();
        ClientDialogue.Transaction t = new ClientDialogue.Transaction(Optional.of(Mailbox.stored("álvaro@example.com")), BODY.length(),
                BodyType.EIGHT_BIT_MIME, true, Optional.of(DsnReturn.HEADERS), Optional.of("env+2B1"),
                List.of(new ClientDialogue.Recipient(Mailbox.stored("bob@example.org"), Set.of(Notify.FAILURE, Notify.DELAY),
                        Optional.of("rfc822;bob@example.org"))));
        assertThat(pair.send(t).perRecipient()).extracting(Reply::code).containsExactly(250);
        Envelope stored = pair.server.stored.get(0);
        assertThat(stored.parameters().body()).isEqualTo(BodyType.EIGHT_BIT_MIME);
        assertThat(stored.parameters().smtpUtf8()).isTrue();
        assertThat(stored.parameters().ret()).contains(DsnReturn.HEADERS);
        assertThat(stored.parameters().envelopeId()).contains("env+2B1");
        assertThat(stored.recipients().get(0).parameters().notifyOn()).containsExactlyInAnyOrder(Notify.FAILURE, Notify.DELAY);
        assertThat(stored.recipients().get(0).parameters().originalRecipient()).contains("rfc822;bob@example.org");
        assertThat(pair.commands).anyMatch(c -> c.contains("BODY=8BITMIME") && c.contains("SMTPUTF8") && c.contains("RET=HDRS"));
    }

    @Test
    @DisplayName("a refused recipient is decided by its own reply; the others by the end of data")
    void refusedRecipient() {
        Pair pair = new Pair(SessionHarness.INBOUND, ClientDialogue.Tls.NONE, Optional.empty(), Set.of());
        pair.open();
        Step.Done done = pair.send(transaction(List.of("bob@example.org", "x@nowhere.test", "carol@example.org"), BodyType.SEVEN_BIT, false));
        assertThat(done.perRecipient()).extracting(Reply::code).containsExactly(250, 554, 250);
        assertThat(pair.server.stored.get(0).recipients()).hasSize(2);
    }

    @Test
    @DisplayName("every recipient refused: RSET, no data, the dialogue ready for the next transaction")
    void allRefused() {
        Pair pair = new Pair(SessionHarness.INBOUND, ClientDialogue.Tls.NONE, Optional.empty(), Set.of());
        pair.open();
        Step.Done done = pair.send(transaction(List.of("x@nowhere.test"), BodyType.SEVEN_BIT, false));
        assertThat(done.perRecipient()).extracting(Reply::code).containsExactly(554);
        assertThat(pair.commands).contains("RSET").noneMatch(c -> c.startsWith("BDAT") || c.equals("DATA"));
        assertThat(pair.send(transaction(List.of("bob@example.org"), BodyType.SEVEN_BIT, false)).perRecipient())
                .extracting(Reply::code).containsExactly(250);
        assertThat(pair.server.stored).hasSize(1);
    }

    @Test
    @DisplayName("larger than the server's SIZE: refused at MAIL FROM with 552, every recipient with it")
    void tooLargeForTheServer() {
        Pair pair = new Pair(SessionHarness.INBOUND, ClientDialogue.Tls.NONE, Optional.empty(), Set.of());
        pair.open();
        ClientDialogue.Transaction big = new ClientDialogue.Transaction(Optional.of(Mailbox.stored("a@example.com")), 10_000,
                BodyType.SEVEN_BIT, false, Optional.empty(), Optional.empty(),
                List.of(new ClientDialogue.Recipient(Mailbox.stored("bob@example.org"), Set.of(), Optional.empty())));
        assertThat(pair.send(big).perRecipient()).extracting(Reply::code).containsExactly(552);
    }

    @Test
    @DisplayName("AUTH LOGIN where PLAIN is not offered; a wrong password is a LoginRefused, not an exception")
    void authLoginAndRefusal() {
        Pair login = new Pair(SessionHarness.SUBMISSION, ClientDialogue.Tls.REQUIRED, Optional.of(ALICE), Set.of("AUTH PLAIN LOGIN"),
                "AUTH LOGIN");
        assertThat(login.open()).isInstanceOf(Step.Ready.class);
        assertThat(login.commands).contains("AUTH LOGIN");

        Pair wrong = new Pair(SessionHarness.SUBMISSION, ClientDialogue.Tls.REQUIRED,
                Optional.of(new ClientDialogue.Login("alice@example.com", "wrong")), Set.of());
        assertThat(wrong.open()).isInstanceOfSatisfying(Step.LoginRefused.class, r -> assertThat(r.reply().code()).isEqualTo(535));
    }

    @Test
    @DisplayName("a login without TLS: the submission server offers no AUTH before STARTTLS, so the client says so")
    void noAuthBeforeTls() {
        Pair pair = new Pair(SessionHarness.SUBMISSION, ClientDialogue.Tls.NONE, Optional.of(ALICE), Set.of());
        assertThat(pair.open()).isInstanceOfSatisfying(Step.NoAuthMechanism.class, n -> assertThat(n.tlsActive()).isFalse());
    }

    @Test
    @DisplayName("TLS required and STARTTLS not offered: NoStartTls before any mail command")
    void requiredTlsNotOffered() {
        Pair pair = new Pair(SessionHarness.INBOUND, ClientDialogue.Tls.REQUIRED, Optional.empty(), Set.of("STARTTLS"));
        assertThat(pair.open()).isInstanceOf(Step.NoStartTls.class);
        assertThat(pair.commands).noneMatch(c -> c.startsWith("MAIL"));
    }

    @Test
    @DisplayName("two transactions on one connection, then RSET and QUIT")
    void reuseAndQuit() {
        Pair pair = new Pair(SessionHarness.INBOUND, ClientDialogue.Tls.NONE, Optional.empty(), Set.of());
        pair.open();
        pair.send(transaction(List.of("bob@example.org"), BodyType.SEVEN_BIT, false));
        pair.send(transaction(List.of("carol@example.org"), BodyType.SEVEN_BIT, false));
        assertThat(pair.drive(pair.dialogue.reset())).isInstanceOf(Step.Ready.class);
        assertThat(pair.drive(pair.dialogue.quit())).isInstanceOf(Step.Closed.class);
        assertThat(pair.server.stored).hasSize(2);
        assertThat(pair.server.closed).isTrue();
    }

    private static ClientDialogue.Transaction transaction(List<String> to, BodyType body, boolean utf8) {
        return new ClientDialogue.Transaction(Optional.of(Mailbox.stored("alice@example.com")), BODY.length(), body, utf8,
                Optional.empty(), Optional.empty(),
                to.stream().map(r -> new ClientDialogue.Recipient(Mailbox.stored(r), Set.of(), Optional.empty())).toList());
    }

    /** A client dialogue wired to a server session; {@code hide} takes keywords out of the EHLO reply the client sees. */
    static final class Pair {
        final SessionHarness server;
        final ClientDialogue dialogue;
        final List<String> commands = new ArrayList<>();
        final List<List<String>> writes = new ArrayList<>();
        private final Set<String> hide;
        private final String replaceWith;
        private final Deque<Reply> replies = new ArrayDeque<>();
        private ContentEncoder chunks;

        Pair(SessionSettings settings, ClientDialogue.Tls tls, Optional<ClientDialogue.Login> login, Set<String> hide) {
            this(settings, tls, login, hide, null);
        }

        Pair(SessionSettings settings, ClientDialogue.Tls tls, Optional<ClientDialogue.Login> login, Set<String> hide, String replaceWith) {
            this.server = new SessionHarness(settings);
            this.dialogue = new ClientDialogue(new ClientDialogue.Options("client.test", false, tls, false, login));
            this.hide = hide;
            this.replaceWith = replaceWith;
            collect(server.replies(0)); // the greeting
        }

        Step open() {
            return drive(dialogue.start());
        }

        Step.Done send(ClientDialogue.Transaction t) {
            chunks = null;
            return (Step.Done) drive(dialogue.begin(t));
        }

        Step drive(Step first) {
            Step step = first;
            for (int guard = 0; guard < 1000; guard++) {
                switch (step) {
                    case Step.Send send -> {
                        writes.add(send.lines());
                        for (String line : send.lines()) {
                            commands.add(line);
                            collect(server.send(line + "\r\n"));
                        }
                        if (replies.isEmpty()) {
                            return dialogue.closed();
                        }
                        step = dialogue.reply(replies.poll());
                    }
                    case Step.StartTls s -> step = dialogue.tlsStarted(); // the harness completes the server's side at once
                    case Step.SendData d -> {
                        ContentEncoder encoder = ContentEncoder.forData();
                        ByteArrayOutputStream wire = new ByteArrayOutputStream();
                        wire.writeBytes(encoder.encode(BODY.getBytes(StandardCharsets.UTF_8), 0, BODY.length()));
                        wire.writeBytes(encoder.end());
                        collect(server.send(wire.toByteArray()));
                        step = dialogue.reply(replies.poll());
                    }
                    case Step.SendChunks c -> {
                        chunks = ContentEncoder.forChunks();
                        byte[] chunk = chunks.encode(BODY.getBytes(StandardCharsets.UTF_8), 0, BODY.length());
                        String command = dialogue.chunk(chunk.length, true);
                        commands.add(command);
                        ByteArrayOutputStream wire = new ByteArrayOutputStream();
                        wire.writeBytes((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
                        wire.writeBytes(chunk);
                        collect(server.send(wire.toByteArray()));
                        step = dialogue.reply(replies.poll());
                    }
                    default -> {
                        return step;
                    }
                }
            }
            throw new AssertionError("the dialogue did not settle");
        }

        /** Each reply as wire text, read back by the client's parser. */
        private void collect(List<String> wireReplies) {
            for (String text : wireReplies) {
                ReplyParser parser = new ReplyParser();
                Reply reply = null;
                try {
                    for (String line : text.split("\r\n")) {
                        reply = parser.feed(line);
                    }
                } catch (ReplyParser.MalformedReply e) {
                    throw new AssertionError("the server wrote a malformed reply: " + text, e);
                }
                replies.add(reply.code() == 250 && reply.lines().size() > 1 ? withoutHidden(reply) : reply);
            }
        }

        private Reply withoutHidden(Reply ehlo) {
            List<String> lines = new ArrayList<>();
            for (String line : ehlo.lines()) {
                if (!hide.contains(line)) {
                    lines.add(line);
                } else if (replaceWith != null) {
                    lines.add(replaceWith);
                }
            }
            return new Reply(ehlo.code(), ehlo.status(), lines);
        }
    }
}
