package org.mailgate.spool;

import java.time.Instant;
import org.mailgate.mail.Mailbox;
import org.mailgate.mail.Reply;

/**
 * One line of a message's delivery journal. The journal only grows (append, then fsync), so a
 * crash at any point leaves every event before it intact and at most a torn last line, which
 * replay ignores: a recipient recorded as delivered is never delivered again.
 */
public sealed interface QueueEvent {
    Instant at();

    /** The outcome of one attempt for one recipient; {@code remoteMta} is empty for local delivery. */
    record Attempted(Instant at, Mailbox recipient, RecipientState.Status status, String remoteMta, Reply reply) implements QueueEvent {}

    /** The sender was told of this recipient's final outcome (a bounce or a success notice). */
    record Reported(Instant at, Mailbox recipient) implements QueueEvent {}

    /**
     * The next attempt after a round that left recipients pending; {@code roundStart} tells an
     * admin's "retry now" written while the round ran (still to do) from one written before it (done).
     */
    record Scheduled(Instant at, Instant next, Instant roundStart) implements QueueEvent {}

    /** The admin stopped delivery of the message until released. */
    record Held(Instant at) implements QueueEvent {}

    record Released(Instant at) implements QueueEvent {}

    /** The admin asked for an attempt now. */
    record RetryNow(Instant at) implements QueueEvent {}

    /** The admin asked to give up: pending recipients fail and the sender gets a bounce. */
    record BounceRequested(Instant at) implements QueueEvent {}

    /** The sender was told the message is delayed (RFC 3464 Action: delayed). */
    record DelayWarned(Instant at) implements QueueEvent {}
}
