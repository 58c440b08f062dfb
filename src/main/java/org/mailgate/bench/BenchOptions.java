package org.mailgate.bench;

import java.time.Duration;
import java.util.List;

/**
 * One load. The run stops at whichever comes first: {@code totalMessages} sent or
 * {@code maxDuration} elapsed.
 *
 * @param user null for no AUTH
 * @param message what DATA sends: CRLF lines, dot-stuffed, ending with the line "."
 * @param sources local addresses to connect from, in turn (empty: the system's choice)
 * @param rate new sessions per second across all workers, 0 for as fast as they go
 */
public record BenchOptions(
        String host,
        int port,
        Security security,
        String user,
        String password,
        int sessions,
        int messagesPerSession,
        byte[] message,
        long totalMessages,
        Duration maxDuration,
        String from,
        String to,
        List<String> sources,
        double rate) {

    public BenchOptions {
        sources = List.copyOf(sources);
    }

    /** The same load for a different time and total (a warm-up run). */
    public BenchOptions withBounds(long total, Duration duration) {
        return new BenchOptions(host, port, security, user, password, sessions, messagesPerSession, message,
                total, duration, from, to, sources, rate);
    }
}
