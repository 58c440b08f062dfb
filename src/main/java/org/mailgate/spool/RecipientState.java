package org.mailgate.spool;

import java.time.Instant;
import java.util.Optional;
import org.mailgate.mail.Reply;

/**
 * Where one recipient of a queued message stands; {@code reported} once the sender was told of
 * its final outcome.
 *
 * @param lastAttempt null before the first attempt
 * @param remoteMta the server of the last reply; empty when none gave it (DNS, a local mailbox)
 */
public record RecipientState(Status status, int attempts, Instant lastAttempt, String remoteMta, Optional<Reply> lastReply,
        boolean reported) {

    public enum Status { PENDING, DELIVERED, FAILED }

    static final RecipientState NEW = new RecipientState(Status.PENDING, 0, null, "", Optional.empty(), false);

    /** The last reply on one line, as `queue list` and notices show it; empty before any. */
    public String lastReplyLine() {
        return lastReply.map(Reply::oneLine).orElse("");
    }

    public boolean isFinal() {
        return status != Status.PENDING;
    }
}
