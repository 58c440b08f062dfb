package org.mailgate.policy;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.mailgate.policy.SendingLimits.Usage;

/**
 * The messages each user had queued, kept where every node sees them (a shared database), so a
 * user's hourly limit is one limit however the load balancer spreads their sessions. Calls block:
 * never on an event loop.
 */
public interface SentMessages {
    /** One message a user had queued on this node. */
    record Sent(String user, Instant at, int recipients) {}

    /** Adds this node's messages queued since the last call. */
    void add(List<Sent> sent) throws IOException;

    /** What the other nodes queued in the hour and the day before {@code now}, per user (this node counts its own). */
    Map<String, Usage> elsewhere(Instant now) throws IOException;

    /** This node's own messages of the day before {@code now}: what it counted before a restart. */
    List<Sent> own(Instant now) throws IOException;

    /** Forgets the messages older than a day before {@code now}. */
    void prune(Instant now) throws IOException;
}
