package org.mailgate.auth;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Events every node counts toward one limit (the messages a user queued, the offences of a
 * client), kept where every node sees them: a shared database. Each node adds its own; what
 * it reads back is the others'. Calls block: never on an event loop.
 */
public interface SharedEvents {
    /** One event of a key: when, and how much it weighs (a message's recipients, say). */
    record Event(String key, Instant at, int weight) {}

    /** A key's events in a window: how many, and their summed weight. */
    record Totals(int count, long weight) {
        public static final Totals NONE = new Totals(0, 0);
    }

    /** Adds this node's events of {@code kind}. */
    void add(String kind, List<Event> events) throws IOException;

    /** The other nodes' events of {@code kind} after {@code since}, per key. */
    Map<String, Totals> elsewhere(String kind, Instant since) throws IOException;

    /** This node's own events of {@code kind} after {@code since}: what it counted before a restart. */
    List<Event> own(String kind, Instant since) throws IOException;

    /** Forgets the events of {@code kind} up to {@code before}. */
    void prune(String kind, Instant before) throws IOException;
}
