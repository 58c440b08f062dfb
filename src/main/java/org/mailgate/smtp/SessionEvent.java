package org.mailgate.smtp;

import org.mailgate.mail.Refusal;
import org.mailgate.mail.Reply;

/**
 * What a session asks of its driver. The driver writes replies in order, and answers each
 * request for asynchronous work by calling back into the session.
 */
public sealed interface SessionEvent {

    /** Write this reply; replies are flushed when the driver's input batch is processed. */
    record Send(Reply reply) implements SessionEvent {}

    /**
     * Install TLS, then write {@code ready} in the clear (RFC 3207). The session has already
     * discarded any input that followed the command; answer with {@link SmtpSession#tlsEstablished()}.
     */
    record StartTls(Reply ready) implements SessionEvent {}

    /** Verify credentials; answer with {@link SmtpSession#authenticationResult}. */
    record Authenticate(String username, String password) implements SessionEvent {}

    /** A message begins; content events follow. */
    record MessageBegin(Envelope envelope) implements SessionEvent {}

    /** Decoded message content; the array belongs to the receiver. */
    record MessageContent(byte[] bytes) implements SessionEvent {}

    /**
     * The message is complete: store it durably, then answer with
     * {@link SmtpSession#messageStored} or {@link SmtpSession#messageRefused}.
     */
    record MessageEnd(long size) implements SessionEvent {}

    /** The message in progress is refused or cut off: discard what was received. */
    record MessageAbort() implements SessionEvent {}

    /**
     * A command was refused: for the driver's log and abuse counters (relay attempts, recipient
     * probes). {@code command} is what was refused as a log may show it ("RCPT TO:<a@b>", "end of
     * data"; AUTH's credentials never).
     */
    record Refused(Refusal refusal, String command) implements SessionEvent {}

    /** Close the connection after the replies written so far. */
    record Close() implements SessionEvent {}
}
