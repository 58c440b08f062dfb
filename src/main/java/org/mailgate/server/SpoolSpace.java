package org.mailgate.server;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import org.mailgate.mail.Refusal;
import org.mailgate.spool.Spool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The spool's free space, sampled on the housekeeping thread every second, less what was stored
 * since: asking the file system at each MAIL would put a system call on the event loop, and a
 * second-old figure alone would let a burst of messages run past Postfix's queue_minfree.
 */
final class SpoolSpace {
    private static final Logger log = LoggerFactory.getLogger(SpoolSpace.class);

    private static final long LOW_WATER = 1024 * 1024;

    private final Spool spool;
    private volatile long usable = Long.MAX_VALUE;
    private final AtomicLong storedSinceSample = new AtomicLong();
    private volatile boolean warned;

    SpoolSpace(Spool spool) {
        this.spool = spool;
        refresh();
    }

    /** Reads the free space again; a file system that cannot say is logged once and taken as not full. */
    void refresh() {
        try {
            long sampled = spool.usableSpace();
            storedSinceSample.set(0);
            usable = sampled;
            warned = false;
        } catch (IOException e) {
            usable = Long.MAX_VALUE; // the writes themselves will fail, and be answered, if it is full
            if (!warned) {
                warned = true;
                log.warn("free space of the spool unknown: {}", e.getMessage());
            }
        }
    }

    /** A message of {@code bytes} was stored: the free space is that much less until the next sample. */
    void stored(long bytes) {
        storedSinceSample.addAndGet(bytes);
    }

    /** Whether a message of {@code declaredSize} (0: none declared) leaves {@code minFree} bytes. */
    boolean fits(long declaredSize, long minFree) {
        return usable - storedSinceSample.get() - declaredSize >= minFree;
    }

    /**
     * The reply to a message the spool could not store: 452 4.3.1 when it is out of space (the
     * file system said so, or the sample less what was stored since leaves under min-free-space,
     * or under 1 MiB), else 451 4.3.0. No system call: this runs on the event loop.
     */
    Refusal failure(Throwable cause, long minFree) {
        boolean low = usable - storedSinceSample.get() < Math.max(minFree, LOW_WATER);
        return outOfSpace(cause) || low ? Refusal.INSUFFICIENT_STORAGE : Refusal.STORAGE_FAILED;
    }

    /** Whether the file system refused a write for want of room: ENOSPC or EDQUOT, in the JDK's words for them. */
    static boolean outOfSpace(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage();
            if (message != null && (message.contains("No space left on device") || message.contains("Disk quota exceeded"))) {
                return true;
            }
        }
        return false;
    }
}
