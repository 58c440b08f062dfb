package org.mailgate.spool;

import java.time.Instant;

/** Where one recipient of a queued message stands; {@code reported} once the sender was told of its final outcome. */
public record RecipientState(Status status, int attempts, Instant lastAttempt, String remoteMta, String lastReply, boolean reported) {

    public enum Status { PENDING, DELIVERED, FAILED }

    static final RecipientState NEW = new RecipientState(Status.PENDING, 0, null, "", "", false);

    public boolean isFinal() {
        return status != Status.PENDING;
    }
}
