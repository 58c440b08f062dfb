package org.mailgate.smtp;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.mailgate.mail.EnhancedStatus;
import org.mailgate.mail.Mailbox;
import org.mailgate.mail.Refusal;
import org.mailgate.mail.Reply;
import org.mailgate.smtp.Command.MailParameters;
import org.mailgate.smtp.Envelope.Recipient;

/**
 * One SMTP server session as a state machine without I/O. The driver feeds it the bytes it
 * reads ({@link #receive}) and carries out the {@link SessionEvent}s it emits; requests for
 * slow work (credential checks, durable storage) pause the session, and input that arrives
 * meanwhile waits, which is what makes PIPELINING (RFC 2920) safe.
 *
 * <h2>Modes, and what each takes</h2>
 * <ul>
 * <li>COMMAND: a command line ({@link LineReader}). Before EHLO/HELO only EHLO, HELO, STARTTLS,
 *     NOOP, RSET, VRFY, EXPN, HELP, QUIT and (past TLS) AUTH; MAIL needs a hello, on submission
 *     AUTH too (530); RCPT needs MAIL (503); DATA and BDAT need a recipient (554, 503).</li>
 * <li>AUTH: a SASL response line ({@link SaslExchange}); "*" cancels.</li>
 * <li>DATA: message text up to CRLF "." CRLF ({@link DataDecoder}, then {@link ContentDecoder}).</li>
 * <li>BDAT: a chunk's octets, counted, whatever they hold ({@link ChunkReader}, then {@link ContentDecoder}).</li>
 * <li>TLS_PENDING: nothing: input that arrives before the handshake is dropped (CVE-2011-0411).</li>
 * <li>CLOSED: nothing more.</li>
 * </ul>
 * <h2>Waiting, and how it ends</h2>
 * Across modes, the session may wait for its driver; while it waits it reads no input:
 * AUTHENTICATION after a complete SASL exchange ({@link SessionEvent.Authenticate}, answered with
 * {@link #authenticationResult}), STORAGE at the end of a message ({@link SessionEvent.MessageEnd},
 * answered with {@link #messageStored} or {@link #messageRefused}).
 * <h2>Rules every mode keeps</h2>
 * Every refusal goes through {@link #refuse}, which counts it: past the error limit the session
 * closes with 421 4.7.0. A refused message is aborted ({@link SessionEvent.MessageAbort}) and its
 * transaction ends. A shutdown lets a transaction in flight finish, then closes.
 *
 * <p>Longer than our other classes on purpose: it is the one place that says which mode allows
 * what, and the verbs share the transaction and the waiting; the mechanisms it drives (lines,
 * content, chunks, SASL, capabilities) live in their own classes beside it.
 */
public final class SmtpSession {
    // RFC 5321 4.5.3.1.4: a command line is at most 512 octets including CRLF.
    private static final int MAX_COMMAND_LINE = 512;

    private enum Mode { COMMAND, AUTH, DATA, BDAT, TLS_PENDING, CLOSED }

    private enum Waiting { NOTHING, AUTHENTICATION, STORAGE }

    private final SessionSettings settings;
    private final MailPolicy policy;
    private final Consumer<SessionEvent> events;
    private final InputBuffer input = new InputBuffer();
    private final LineReader lines = new LineReader();

    private Mode mode = Mode.COMMAND;
    private Waiting waiting = Waiting.NOTHING;
    private boolean tlsActive;
    private boolean shutdownRequested;
    private String helo;
    private boolean extended;
    private String authenticatedUser;
    /** The command being answered, as the log shows a refusal of it. */
    private String current = "";
    private SaslExchange sasl;
    private Transaction transaction;
    private ContentDecoder content;
    private DataDecoder data;
    private ChunkReader chunk;
    private int errors;
    private int junkCommands;
    private int overshoot;

    /** The mail transaction in progress (RFC 5321 3.3). */
    private static final class Transaction {
        final Mailbox sender;
        final MailParameters parameters;
        final List<Recipient> recipients = new ArrayList<>();
        boolean messageStarted;
        boolean chunked;
        long chunkOctets; // as the client counts them, for the reply to each BDAT

        Transaction(Mailbox sender, MailParameters parameters) {
            this.sender = sender;
            this.parameters = parameters;
        }
    }

    public SmtpSession(SessionSettings settings, MailPolicy policy, Consumer<SessionEvent> events) {
        this.settings = settings;
        this.policy = policy;
        this.events = events;
        this.tlsActive = settings.implicitTls();
    }

    /** Sends the greeting (RFC 5321 4.2: no enhanced status code in the 220 greeting). */
    public void start() {
        send(new Reply(220, null, List.of(settings.hostname() + " ESMTP Mailgate")));
    }

    public void receive(byte[] bytes, int offset, int length) {
        if (mode == Mode.TLS_PENDING || mode == Mode.CLOSED) {
            return; // CVE-2011-0411: nothing received before the handshake is ever executed
        }
        input.append(bytes, offset, length);
        process();
    }

    /** True while the session waits for the driver; the driver should stop reading meanwhile. */
    public boolean isWaiting() {
        return waiting != Waiting.NOTHING;
    }

    public boolean isClosed() {
        return mode == Mode.CLOSED;
    }

    /** True between MAIL and the end of the transaction: a shutdown lets it finish. */
    public boolean inTransaction() {
        return transaction != null || waiting != Waiting.NOTHING;
    }

    public String authenticatedUser() {
        return authenticatedUser;
    }

    /** The TLS handshake after STARTTLS succeeded: the session starts over (RFC 3207 4.2). */
    public void tlsEstablished() {
        if (mode != Mode.TLS_PENDING) {
            throw new IllegalStateException("no STARTTLS in progress");
        }
        tlsActive = true;
        helo = null;
        extended = false;
        transaction = null;
        input.clear();
        mode = Mode.COMMAND;
    }

    public void authenticationResult(String username, Optional<Refusal> refusal) {
        expectWaiting(Waiting.AUTHENTICATION);
        current = "AUTH";
        if (refusal.isEmpty()) {
            authenticatedUser = username;
            send(Reply.of(235, EnhancedStatus.of(2, 7, 0), "Authentication successful"));
        } else {
            refuse(refusal.get());
        }
        resume();
    }

    public void messageStored(String queueId) {
        expectWaiting(Waiting.STORAGE);
        send(Reply.of(250, EnhancedStatus.of(2, 0, 0), "Ok: queued as " + queueId));
        transaction = null;
        resume();
    }

    public void messageRefused(Refusal refusal) {
        expectWaiting(Waiting.STORAGE);
        current = "end of data";
        refuse(refusal);
        transaction = null;
        resume();
    }

    /** Stop accepting work: closes now when idle, else once the transaction in flight ends. */
    public void requestShutdown() {
        shutdownRequested = true;
        if (!inTransaction() && mode != Mode.CLOSED) {
            close(Refusal.SHUTTING_DOWN);
        }
    }

    /** Close at once with a 421 reply (timeout, grace period over), discarding any message. */
    public void abort(Refusal reason) {
        if (mode != Mode.CLOSED) {
            close(reason);
        }
    }

    private void close(Refusal reason) {
        if (transaction != null && transaction.messageStarted && waiting != Waiting.STORAGE) {
            events.accept(new SessionEvent.MessageAbort());
        }
        send(reason.reply());
        closeNow();
    }

    private void closeNow() {
        mode = Mode.CLOSED;
        input.clear();
        events.accept(new SessionEvent.Close());
    }

    private void expectWaiting(Waiting expected) {
        if (waiting != expected) {
            throw new IllegalStateException("not waiting for " + expected);
        }
        waiting = Waiting.NOTHING;
    }

    private void resume() {
        if (shutdownRequested && transaction == null && mode != Mode.CLOSED) {
            close(Refusal.SHUTTING_DOWN);
            return;
        }
        process();
    }

    private void process() {
        while (waiting == Waiting.NOTHING && input.readable() > 0) {
            switch (mode) {
                case COMMAND, AUTH -> {
                    if (!processLine()) {
                        return;
                    }
                }
                case DATA -> processData();
                case BDAT -> processChunk();
                case TLS_PENDING, CLOSED -> {
                    input.clear();
                    return;
                }
            }
        }
    }

    /** Handles one line if a whole one is buffered; returns false when more input is needed. */
    private boolean processLine() {
        Optional<LineReader.Line> next = lines.next(input);
        if (next.isEmpty()) {
            return false;
        }
        switch (next.get()) {
            case LineReader.Line.TooLong tooLong -> {
                mode = Mode.COMMAND;
                sasl = null;
                current = "(a line too long)";
                refuse(Refusal.LINE_TOO_LONG);
            }
            case LineReader.Line.Malformed malformed -> {
                current = "(a malformed line)";
                refuse(Refusal.SYNTAX_ERROR);
            }
            case LineReader.Line.Text text when mode == Mode.AUTH -> authResponse(text.text());
            // RFC 4954 4: only AUTH's line may pass the 512 octets of a command line
            case LineReader.Line.Text text when text.octets() > MAX_COMMAND_LINE
                    && !text.text().regionMatches(true, 0, "AUTH ", 0, 5) -> {
                current = verb(text.text());
                refuse(Refusal.LINE_TOO_LONG);
            }
            case LineReader.Line.Text text -> command(text.text());
        }
        return true;
    }

    private void command(String line) {
        Command command;
        try {
            command = CommandParser.parse(line, transaction != null && transaction.parameters.smtpUtf8());
        } catch (RefusalException e) {
            current = verb(line);
            refuse(e.refusal());
            return;
        }
        current = command.logged();
        try {
            execute(command);
        } catch (RefusalException e) {
            refuse(e.refusal());
        }
    }

    /** A refused line's first word, for the log: letters only, at most 12 (never an argument, which may be anything). */
    private static String verb(String line) {
        int end = 0;
        while (end < line.length() && end < 12 && Character.isLetter(line.charAt(end)) && line.charAt(end) < 128) {
            end++;
        }
        return end == 0 ? "(not a command)" : line.substring(0, end).toUpperCase(Locale.ROOT);
    }

    /**
     * Sends a refusal and counts it, as Postfix's smtpd_hard_error_limit does: a client that keeps
     * failing (a scanner, a password guesser, a broken script) is cut off with 421 4.7.0.
     */
    private void refuse(Refusal refusal) {
        send(refusal.reply());
        events.accept(new SessionEvent.Refused(refusal, current));
        // A client that pipelines past the recipient limit is not an attacker until it overshoots
        // by as many again (Postfix's smtpd_recipient_overshoot_limit).
        if (refusal == Refusal.TOO_MANY_RECIPIENTS && ++overshoot <= settings.maxRecipients()) {
            return;
        }
        countError();
    }

    private void countError() {
        if (++errors >= settings.maxErrors() && mode != Mode.CLOSED) {
            close(Refusal.TOO_MANY_ERRORS);
        }
    }

    private void execute(Command command) {
        if (command.isJunk() && ++junkCommands > settings.maxJunkCommands()) {
            countError();
        }
        if (mode == Mode.CLOSED) {
            return;
        }
        switch (command) {
            case Command.Ehlo ehlo -> hello(ehlo.domain(), true);
            case Command.Helo h -> hello(h.domain(), false);
            case Command.Mail mail -> mail(mail);
            case Command.Rcpt rcpt -> rcpt(rcpt);
            case Command.Data d -> data();
            case Command.Bdat bdat -> bdat(bdat);
            case Command.Rset r -> {
                transaction = null;
                ok(0, 0, "Ok");
            }
            case Command.Noop n -> ok(0, 0, "Ok");
            case Command.Quit q -> {
                send(Reply.of(221, EnhancedStatus.of(2, 0, 0), "Bye"));
                closeNow();
            }
            case Command.Help h -> send(Reply.of(214, EnhancedStatus.of(2, 0, 0), "See RFC 5321"));
            // RFC 5321 3.5.3: 252 answers VRFY without revealing whether the user exists.
            case Command.Vrfy v -> send(Reply.of(252, EnhancedStatus.of(2, 5, 0),
                    "Cannot VRFY user, but will accept message and attempt delivery"));
            case Command.Expn e -> throw new RefusalException(Refusal.NOT_IMPLEMENTED);
            case Command.StartTls s -> startTls();
            case Command.Auth auth -> auth(auth);
        }
    }

    private void hello(String domain, boolean ehlo) {
        helo = domain;
        extended = ehlo;
        transaction = null;
        if (!ehlo) {
            send(new Reply(250, null, List.of(settings.hostname())));
            return;
        }
        send(new Reply(250, null, Capabilities.ehlo(settings, tlsActive, authenticatedUser != null)));
    }

    private void mail(Command.Mail mail) {
        requireHello();
        if (transaction != null) {
            throw new RefusalException(Refusal.NESTED_MAIL);
        }
        if (settings.authRequired() && authenticatedUser == null) {
            throw new RefusalException(tlsActive ? Refusal.AUTH_REQUIRED : Refusal.TLS_REQUIRED);
        }
        if (mail.parameters().size() > settings.maxMessageSize()) {
            throw new RefusalException(Refusal.SIZE_EXCEEDED);
        }
        Optional<Refusal> refusal = policy.checkSender(helo, authenticatedUser, mail.sender(), Math.max(0, mail.parameters().size()));
        if (refusal.isPresent()) {
            throw new RefusalException(refusal.get());
        }
        transaction = new Transaction(mail.sender(), mail.parameters());
        ok(1, 0, "Ok");
    }

    private void rcpt(Command.Rcpt rcpt) {
        if (transaction == null) {
            throw new RefusalException(Refusal.NEED_MAIL);
        }
        if (transaction.recipients.size() >= settings.maxRecipients()) {
            throw new RefusalException(Refusal.TOO_MANY_RECIPIENTS);
        }
        Mailbox recipient = rcpt.recipient() == Command.BARE_POSTMASTER ? new Mailbox("postmaster", settings.hostname()) : rcpt.recipient();
        Optional<Refusal> refusal = policy.checkRecipient(helo, authenticatedUser, recipient, transaction.recipients.size());
        if (refusal.isPresent()) {
            throw new RefusalException(refusal.get());
        }
        transaction.recipients.add(new Recipient(recipient, rcpt.parameters()));
        ok(1, 5, "Ok");
    }

    private void data() {
        requireRecipients();
        if (transaction.chunked) {
            throw new RefusalException(Refusal.NO_VALID_TRANSACTION);
        }
        beginMessage();
        data = new DataDecoder(content);
        mode = Mode.DATA;
        send(Reply.of(354, null, "End data with <CR><LF>.<CR><LF>"));
    }

    private void processData() {
        int consumed = data.decode(input.array(), input.start(), input.readable());
        input.skip(consumed);
        if (data.isDone()) {
            mode = Mode.COMMAND;
            data = null;
            endMessage(content.refusal(), content.size());
        }
    }

    /** RFC 3030 BDAT: the chunk is always read whole, even when the command is refused. */
    private void bdat(Command.Bdat bdat) {
        boolean valid = transaction != null && !transaction.recipients.isEmpty()
                && (!transaction.messageStarted || transaction.chunked);
        if (valid && !transaction.messageStarted) {
            transaction.chunked = true;
            beginMessage();
        }
        chunk = new ChunkReader(bdat.size(), bdat.last(), valid ? content : null);
        mode = Mode.BDAT;
        if (chunk.isComplete()) {
            finishChunk();
        }
    }

    private void processChunk() {
        if (chunk.read(input)) {
            finishChunk();
        }
    }

    private void finishChunk() {
        mode = Mode.COMMAND;
        ChunkReader done = chunk;
        chunk = null;
        if (done.refused()) {
            refuse(Refusal.NO_VALID_TRANSACTION);
            return;
        }
        transaction.chunkOctets += done.size();
        if (done.last()) {
            content.end(); // a CR at the very end of the last chunk is a bare CR
        }
        if (done.last() || content.refusal() != null) {
            endMessage(content.refusal(), content.size());
        } else {
            ok(0, 0, transaction.chunkOctets + " octets received");
        }
    }

    private void beginMessage() {
        transaction.messageStarted = true;
        content = new ContentDecoder(settings.maxMessageSize(), settings.bareLineFeed(), this::emitContent);
        events.accept(new SessionEvent.MessageBegin(new Envelope(
                helo, authenticatedUser, protocol(), transaction.sender, transaction.parameters,
                transaction.recipients)));
    }

    private void emitContent(byte[] bytes) {
        events.accept(new SessionEvent.MessageContent(bytes));
    }

    private void endMessage(Refusal refusal, long size) {
        content = null;
        if (refusal != null) {
            events.accept(new SessionEvent.MessageAbort());
            transaction = null;
            current = "end of data";
            refuse(refusal);
            if (shutdownRequested && mode != Mode.CLOSED) {
                close(Refusal.SHUTTING_DOWN);
            }
            return;
        }
        waiting = Waiting.STORAGE;
        events.accept(new SessionEvent.MessageEnd(size));
    }

    /** RFC 3848 and RFC 6531 "with" keywords. */
    private String protocol() {
        String base = transaction.parameters.smtpUtf8() ? "UTF8SMTP" : extended ? "ESMTP" : "SMTP";
        if (base.equals("SMTP")) {
            return base;
        }
        return base + (tlsActive ? "S" : "") + (authenticatedUser != null ? "A" : "");
    }

    private void startTls() {
        if (tlsActive) {
            throw new RefusalException(Refusal.TLS_ALREADY_ACTIVE);
        }
        if (!settings.startTlsOffered()) {
            throw new RefusalException(Refusal.TLS_NOT_AVAILABLE);
        }
        transaction = null;
        mode = Mode.TLS_PENDING;
        input.clear();
        events.accept(new SessionEvent.StartTls(Reply.of(220, EnhancedStatus.of(2, 0, 0), "Ready to start TLS")));
    }

    private void auth(Command.Auth auth) {
        if (!settings.authOffered()) {
            throw new RefusalException(Refusal.AUTH_NOT_AVAILABLE);
        }
        if (!tlsActive) {
            throw new RefusalException(Refusal.TLS_REQUIRED);
        }
        requireHello();
        if (authenticatedUser != null) {
            throw new RefusalException(Refusal.ALREADY_AUTHENTICATED);
        }
        if (transaction != null) {
            throw new RefusalException(Refusal.AUTH_IN_TRANSACTION);
        }
        sasl = SaslExchange.start(auth.mechanism());
        saslStep(() -> sasl.begin(auth.initialResponse()));
    }

    private void authResponse(String line) {
        saslStep(() -> sasl.respond(line));
    }

    private void saslStep(Supplier<SaslExchange.Step> step) {
        mode = Mode.AUTH;
        try {
            switch (step.get()) {
                case SaslExchange.Challenge challenge -> send(new Reply(334, null, List.of(challenge.base64())));
                case SaslExchange.Credentials credentials -> {
                    mode = Mode.COMMAND;
                    sasl = null;
                    waiting = Waiting.AUTHENTICATION;
                    events.accept(new SessionEvent.Authenticate(credentials.username(), credentials.password()));
                }
            }
        } catch (RefusalException e) {
            mode = Mode.COMMAND;
            sasl = null;
            refuse(e.refusal());
        }
    }

    private void requireHello() {
        if (helo == null) {
            throw new RefusalException(Refusal.HELLO_FIRST);
        }
    }

    private void requireRecipients() {
        if (transaction == null) {
            throw new RefusalException(Refusal.NEED_MAIL);
        }
        if (transaction.recipients.isEmpty()) {
            throw new RefusalException(Refusal.NO_VALID_RECIPIENTS);
        }
    }

    /** A 250 reply, with enhanced status 2.subject.detail. */
    private void ok(int subject, int detail, String text) {
        send(Reply.of(250, EnhancedStatus.of(2, subject, detail), text));
    }

    private void send(Reply reply) {
        events.accept(new SessionEvent.Send(reply));
    }
}
