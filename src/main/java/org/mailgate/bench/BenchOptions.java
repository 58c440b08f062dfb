package org.mailgate.bench;

import java.time.Duration;

/**
 * One load. The run stops at whichever comes first: {@code totalMessages} sent or
 * {@code maxDuration} elapsed.
 *
 * @param user null for no AUTH
 */
public record BenchOptions(
        String host,
        int port,
        Security security,
        String user,
        String password,
        int sessions,
        int messagesPerSession,
        int messageSize,
        long totalMessages,
        Duration maxDuration,
        String from,
        String to) {}
