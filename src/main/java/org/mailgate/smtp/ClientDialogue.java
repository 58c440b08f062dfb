package org.mailgate.smtp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.mailgate.mail.BodyType;
import org.mailgate.mail.DsnReturn;
import org.mailgate.mail.Mailbox;
import org.mailgate.mail.Notify;
import org.mailgate.mail.Reply;

/**
 * The client side of SMTP (RFC 5321) and LMTP (RFC 2033) without I/O, as h11 does HTTP: it is
 * told each reply and answers with the next {@link Step}, so the whole conversation (greeting,
 * EHLO or LHLO with the HELO fallback, STARTTLS with EHLO again, AUTH PLAIN or LOGIN, MAIL and
 * RCPT pipelined where PIPELINING is offered, DATA or BDAT, RSET, QUIT) is decided here and tested
 * in memory; a driver only writes what a step says and reads the replies it asks for.
 *
 * <p>The rules, by state: a reply is expected only after a {@link Step.Send}, {@link Step.SendData}
 * or {@link Step.SendChunks}; {@link #begin}, {@link #reset} and {@link #quit} are for when the
 * dialogue is {@link Step.Ready}. Any reply, whatever its code or text, leads to a step: the
 * dialogue never throws on what a server says, only on a driver that calls it out of turn.
 *
 * <p>Longer than our usual ~300 lines because it is one state machine: each state's reply
 * handler sits next to the step that led to it, and splitting them apart would hide the order.
 */
public final class ClientDialogue {

    /** What the server's TLS is to the client: never, if offered, or required (no mail without it). */
    public enum Tls { NONE, OPPORTUNISTIC, REQUIRED }

    /** The credentials for AUTH; the password never appears in logs. */
    public record Login(String username, String password) {
        @Override
        public String toString() {
            return "Login[" + username + "]";
        }
    }

    /**
     * @param implicitTls TLS from the first byte (RFC 8314): the first step is {@link Step.StartTls}
     * @param login AUTH after EHLO (and TLS) when present
     */
    public record Options(String helo, boolean lmtp, Tls tls, boolean implicitTls, Optional<Login> login) {}

    /** One message's envelope as the client sends it; ENVID and ORCPT in their wire form (xtext). */
    public record Transaction(Optional<Mailbox> sender, long size, BodyType body, boolean smtpUtf8, Optional<DsnReturn> ret,
            Optional<String> envelopeId, List<Recipient> recipients) {
        public Transaction {
            recipients = List.copyOf(recipients);
        }
    }

    public record Recipient(Mailbox address, Set<Notify> notifyOn, Optional<String> originalRecipient) {}

    /** What the driver does next. */
    public sealed interface Step {
        /** Write these command lines (none: nothing), then read one reply and give it to {@link #reply}. */
        record Send(List<String> lines) implements Step {}

        /** Start TLS on the connection, then call {@link #tlsStarted}. */
        record StartTls() implements Step {}

        /** Write the message content dot-stuffed with its end line (RFC 5321 4.5.2), then read one reply. */
        record SendData() implements Step {}

        /** Write the next piece of content as a BDAT chunk, its command from {@link #chunk}, then read one reply. */
        record SendChunks() implements Step {}

        /** Ready for a transaction (or the next one), with what the server offered after TLS. */
        record Ready(Extensions extensions) implements Step {}

        /** The transaction is over: the reply that decides each recipient, in the transaction's order. */
        record Done(List<Reply> perRecipient) implements Step {}

        /** QUIT was answered (or the server closed): nothing more to say. */
        record Closed() implements Step {}

        /** The conversation cannot carry mail: QUIT and close. */
        sealed interface Failed extends Step {}

        /** The server refused at {@code stage} ("greeting", "EHLO", "STARTTLS", "RSET", ...). */
        record Refused(String stage, Reply reply) implements Failed {}

        /** TLS is required and the server does not offer STARTTLS. */
        record NoStartTls() implements Failed {}

        /** A login is configured and the server offers neither AUTH PLAIN nor LOGIN. */
        record NoAuthMechanism(boolean tlsActive) implements Failed {}

        /** The server refused the login. */
        record LoginRefused(Reply reply) implements Failed {}
    }

    private enum State {
        NEW, GREETING, HELLO, HELO, STARTTLS, TLS_HANDSHAKE, AUTH, AUTH_LOGIN_USER, AUTH_LOGIN_PASSWORD, READY,
        ENVELOPE, DATA, CONTENT, CHUNKS, RESET_THEN_DONE, RESET, QUIT, CLOSED, FAILED
    }

    private final Options options;
    private State state = State.NEW;
    private boolean greeted;
    private boolean tlsActive;
    private Extensions extensions = Extensions.NONE;
    // the transaction in progress
    private Transaction transaction;
    private final List<Reply> envelopeReplies = new ArrayList<>();
    private final List<Integer> accepted = new ArrayList<>();
    private final List<Reply> contentReplies = new ArrayList<>();
    private Reply[] results;
    private boolean lastChunk;

    public ClientDialogue(Options options) {
        this.options = options;
    }

    /** The first step after connecting: TLS at once for implicit TLS, else read the greeting. */
    public Step start() {
        expect(State.NEW);
        if (options.implicitTls()) {
            state = State.TLS_HANDSHAKE;
            return new Step.StartTls();
        }
        state = State.GREETING;
        return read();
    }

    public Step tlsStarted() {
        expect(State.TLS_HANDSHAKE);
        tlsActive = true;
        if (!greeted) { // implicit TLS: the greeting comes over TLS
            state = State.GREETING;
            return read();
        }
        // RFC 3207 4.2: forget what was learned before TLS and ask again
        return hello();
    }

    public Step reply(Reply reply) {
        return switch (state) {
            case GREETING -> greeting(reply);
            case HELLO -> helloReply(reply);
            case HELO -> reply.code() == 250 ? afterHello(Extensions.NONE) : fail(new Step.Refused("HELO", reply));
            case STARTTLS -> startTlsReply(reply);
            case AUTH, AUTH_LOGIN_USER, AUTH_LOGIN_PASSWORD -> authReply(reply);
            case ENVELOPE -> envelopeReply(reply);
            case DATA -> reply.code() == 354 ? content(State.CONTENT, new Step.SendData()) : finish(reply);
            case CONTENT -> contentReply(reply);
            case CHUNKS -> chunkReply(reply);
            case RESET_THEN_DONE -> done();
            case RESET -> reply.code() == 250 ? ready() : fail(new Step.Refused("RSET", reply));
            case QUIT -> closed();
            default -> throw new IllegalStateException("no reply was asked for in state " + state);
        };
    }

    /** Starts a transaction on a ready dialogue. */
    public Step begin(Transaction message) {
        expect(State.READY);
        if (message.recipients().isEmpty()) {
            throw new IllegalArgumentException("a transaction needs a recipient");
        }
        transaction = message;
        envelopeReplies.clear();
        accepted.clear();
        contentReplies.clear();
        results = new Reply[message.recipients().size()];
        state = State.ENVELOPE;
        List<String> lines = new ArrayList<>();
        lines.add(ClientCommands.mailFrom(extensions, message.sender(), message.size(), message.body(), message.smtpUtf8(),
                message.ret(), message.envelopeId()));
        if (extensions.has("PIPELINING")) { // RFC 2920: the whole envelope in one write, a reply for each line
            message.recipients().forEach(r -> lines.add(rcptTo(r)));
        }
        return new Step.Send(lines);
    }

    /** The BDAT command for the next chunk of {@code size} octets (RFC 3030), while {@link Step.SendChunks} is the step. */
    public String chunk(long size, boolean last) {
        expect(State.CHUNKS);
        lastChunk = last;
        return "BDAT " + size + (last ? " LAST" : "");
    }

    /** RSET on a ready dialogue: ready again after 250 (a connection reused from a pool is checked this way). */
    public Step reset() {
        expect(State.READY);
        state = State.RESET;
        return new Step.Send(List.of("RSET"));
    }

    /** QUIT, from any state but a handshake: the reply (if any comes) closes the dialogue. */
    public Step quit() {
        state = State.QUIT;
        return new Step.Send(List.of("QUIT"));
    }

    /** The server closed the connection: nothing more is asked. */
    public Step closed() {
        state = State.CLOSED;
        return new Step.Closed();
    }

    public Extensions extensions() {
        return extensions;
    }

    public boolean tlsActive() {
        return tlsActive;
    }

    private Step greeting(Reply reply) {
        greeted = true;
        return reply.code() == 220 ? hello() : fail(new Step.Refused("greeting", reply));
    }

    private Step hello() {
        state = State.HELLO;
        return new Step.Send(List.of((options.lmtp() ? "LHLO " : "EHLO ") + options.helo()));
    }

    private Step helloReply(Reply reply) {
        if (reply.code() == 250) {
            return afterHello(Extensions.parse(reply.lines()));
        }
        if (!options.lmtp() && reply.code() >= 500) {
            // RFC 5321 3.2: a server that does not know EHLO still knows HELO
            state = State.HELO;
            return new Step.Send(List.of("HELO " + options.helo()));
        }
        return fail(new Step.Refused(options.lmtp() ? "LHLO" : "EHLO", reply));
    }

    private Step afterHello(Extensions offered) {
        extensions = offered;
        if (!tlsActive && options.tls() != Tls.NONE) {
            if (offered.has("STARTTLS")) {
                state = State.STARTTLS;
                return new Step.Send(List.of("STARTTLS"));
            }
            if (options.tls() == Tls.REQUIRED) {
                return fail(new Step.NoStartTls());
            }
        }
        return authenticate();
    }

    private Step startTlsReply(Reply reply) {
        if (reply.code() == 220) {
            state = State.TLS_HANDSHAKE;
            return new Step.StartTls();
        }
        return options.tls() == Tls.REQUIRED ? fail(new Step.Refused("STARTTLS", reply)) : authenticate();
    }

    /** AUTH PLAIN where offered, else LOGIN (RFC 4954, 4616); straight to ready without a login. */
    private Step authenticate() {
        if (options.login().isEmpty()) {
            return ready();
        }
        Login login = options.login().get();
        if (extensions.authMechanisms().contains("PLAIN")) {
            state = State.AUTH;
            return new Step.Send(List.of("AUTH PLAIN " + base64("\0" + login.username() + "\0" + login.password())));
        }
        if (extensions.authMechanisms().contains("LOGIN")) {
            state = State.AUTH_LOGIN_USER;
            return new Step.Send(List.of("AUTH LOGIN"));
        }
        return fail(new Step.NoAuthMechanism(tlsActive));
    }

    private Step authReply(Reply reply) {
        if (reply.code() == 334 && state != State.AUTH) {
            Login login = options.login().orElseThrow();
            boolean user = state == State.AUTH_LOGIN_USER;
            state = user ? State.AUTH_LOGIN_PASSWORD : State.AUTH;
            return new Step.Send(List.of(base64(user ? login.username() : login.password())));
        }
        return reply.code() == 235 ? ready() : fail(new Step.LoginRefused(reply));
    }

    private Step envelopeReply(Reply reply) {
        envelopeReplies.add(reply);
        int answered = envelopeReplies.size();
        Reply mail = envelopeReplies.get(0);
        if (!mail.isPositive()) {
            if (extensions.has("PIPELINING") && answered <= transaction.recipients().size()) {
                return read(); // the pipelined RCPTs are answered too, and count for nothing
            }
            Arrays.fill(results, mail);
            return resetThenDone();
        }
        if (answered > 1) {
            int index = answered - 2;
            if (reply.isPositive()) {
                accepted.add(index);
            } else {
                results[index] = reply;
            }
        }
        if (answered <= transaction.recipients().size()) {
            return extensions.has("PIPELINING") ? read() : new Step.Send(List.of(rcptTo(transaction.recipients().get(answered - 1))));
        }
        if (accepted.isEmpty()) {
            return resetThenDone();
        }
        if (extensions.has("CHUNKING")) {
            return content(State.CHUNKS, new Step.SendChunks());
        }
        state = State.DATA;
        return new Step.Send(List.of("DATA"));
    }

    private Step content(State next, Step step) {
        state = next;
        return step;
    }

    /** After the content: one reply for the message (SMTP), or one per accepted recipient in order (LMTP, RFC 2033 4.2). */
    private Step contentReply(Reply reply) {
        if (!options.lmtp()) {
            return finish(reply);
        }
        results[accepted.get(contentReplies.size())] = reply;
        contentReplies.add(reply);
        return contentReplies.size() < accepted.size() ? read() : done();
    }

    private Step chunkReply(Reply reply) {
        if (!reply.isPositive()) {
            return finish(reply);
        }
        if (!lastChunk) {
            return new Step.SendChunks();
        }
        state = State.CONTENT;
        return contentReply(reply);
    }

    /** One reply decides every accepted recipient. */
    private Step finish(Reply reply) {
        accepted.forEach(i -> results[i] = reply);
        return done();
    }

    private Step resetThenDone() {
        state = State.RESET_THEN_DONE;
        return new Step.Send(List.of("RSET"));
    }

    private Step done() {
        state = State.READY;
        List<Reply> replies = List.of(results);
        transaction = null;
        return new Step.Done(replies);
    }

    private Step ready() {
        state = State.READY;
        return new Step.Ready(extensions);
    }

    private Step fail(Step.Failed failure) {
        state = State.FAILED;
        return failure;
    }

    private Step read() {
        return new Step.Send(List.of());
    }

    private String rcptTo(Recipient r) {
        return ClientCommands.rcptTo(extensions, r.address(), r.notifyOn(), r.originalRecipient());
    }

    private void expect(State expected) {
        if (state != expected) {
            throw new IllegalStateException("the dialogue is in state " + state + ", not " + expected);
        }
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
