package org.mailgate.delivery;

import org.mailgate.mail.Mailbox;
import org.mailgate.mail.Reply;
import org.mailgate.spool.RecipientState;

/**
 * What one attempt did for one recipient.
 *
 * @param remoteMta the server that gave the reply, empty when none did (DNS failure, local delivery)
 * @param reply the server's own reply, or one we wrote in its form ({@link DeliveryReply})
 */
public record Outcome(Mailbox recipient, RecipientState.Status status, String remoteMta, Reply reply) {

    /** 2xx is delivered, 4xx pending, 5xx failed. */
    static Outcome of(Mailbox recipient, Reply reply, String remoteMta) {
        RecipientState.Status status = switch (reply.codeClass()) {
            case 2, 3 -> RecipientState.Status.DELIVERED;
            case 4 -> RecipientState.Status.PENDING;
            default -> RecipientState.Status.FAILED;
        };
        return new Outcome(recipient, status, remoteMta, reply);
    }

    /** A recipient left pending with the reply of the last thing that failed (a connection, a TLS policy, DNS). */
    static Outcome deferred(Mailbox recipient, String remoteMta, Reply reply) {
        return new Outcome(recipient, RecipientState.Status.PENDING, remoteMta, reply);
    }
}
