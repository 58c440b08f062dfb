package org.mailgate.delivery;

import org.mailgate.smtp.Reply;
import org.mailgate.spool.RecipientState;

/**
 * What one attempt did for one recipient.
 *
 * @param remoteMta the server that gave the reply, empty when none did (DNS failure, local delivery)
 * @param reply the reply as one line: the server's own, or one we wrote in its form
 */
record Outcome(String recipient, RecipientState.Status status, String remoteMta, String reply) {

    static Outcome of(String recipient, Reply reply, String remoteMta) {
        RecipientState.Status status = reply.code() < 400 ? RecipientState.Status.DELIVERED
                : reply.code() < 500 ? RecipientState.Status.PENDING : RecipientState.Status.FAILED;
        return new Outcome(recipient, status, remoteMta, oneLine(reply));
    }

    /** A recipient left pending with the reply of the last thing that failed (a connection, a TLS policy, DNS). */
    static Outcome deferred(String recipient, String remoteMta, String reply) {
        return new Outcome(recipient, RecipientState.Status.PENDING, remoteMta, reply);
    }

    static String oneLine(Reply reply) {
        return reply.toString().replaceAll("\r?\n", " ");
    }
}
