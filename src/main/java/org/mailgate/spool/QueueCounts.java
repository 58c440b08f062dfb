package org.mailgate.spool;

import java.time.Instant;
import java.util.Optional;

/** The queue counted: messages waiting for delivery and held, those set aside, and when the oldest waiting one arrived. */
public record QueueCounts(int waiting, int held, int setAside, Optional<Instant> oldestWaiting) {
    public static final QueueCounts EMPTY = new QueueCounts(0, 0, 0, Optional.empty());
}
