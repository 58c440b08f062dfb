package org.mailgate.server;

import java.io.IOException;
import org.mailgate.mail.Refusal;
import org.mailgate.spool.Spool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The spool's free space, sampled on the housekeeping thread every second: asking the file
 * system at each MAIL would put a system call (and a read of the mount table) on the event loop.
 * A second-old figure is as good as Postfix's queue_minfree check needs.
 */
final class SpoolSpace {
    private static final Logger log = LoggerFactory.getLogger(SpoolSpace.class);

    private final Spool spool;
    private volatile long usable = Long.MAX_VALUE;
    private volatile boolean warned;

    SpoolSpace(Spool spool) {
        this.spool = spool;
        refresh();
    }

    /** Reads the free space again; a file system that cannot say is logged once and taken as not full. */
    void refresh() {
        try {
            usable = spool.usableSpace();
            warned = false;
        } catch (IOException e) {
            usable = Long.MAX_VALUE; // the writes themselves will fail, and be answered, if it is full
            if (!warned) {
                warned = true;
                log.warn("free space of the spool unknown: {}", e.getMessage());
            }
        }
    }

    /** Whether a message of {@code declaredSize} (0: none declared) leaves {@code minFree} bytes. */
    boolean fits(long declaredSize, long minFree) {
        return usable - declaredSize >= minFree;
    }

    /** The reply to a message the spool could not store: 452 4.3.1 when it is out of space, else 451 4.3.0. */
    Refusal failure(long minFree) {
        return fits(0, minFree) ? Refusal.STORAGE_FAILED : Refusal.INSUFFICIENT_STORAGE;
    }
}
