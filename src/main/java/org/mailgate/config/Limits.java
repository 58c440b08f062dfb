package org.mailgate.config;

import java.time.Duration;

/**
 * Every limit, with its name in the config file's [limits] table.
 *
 * @param maxMessageSize max-message-size: SIZE announced and enforced, in bytes
 * @param maxRecipients max-recipients: RCPT commands accepted per message
 * @param maxHeaderSize max-header-size: bytes of header section held while checking it
 * @param authFailureDelay auth-failure-delay: the same wait before every failed AUTH reply
 * @param commandTimeout command-timeout: idle time before the server closes (RFC 5321 4.5.3.2.7)
 * @param shutdownGrace shutdown-grace: how long sessions in flight may finish after SIGTERM
 * @param authCacheTtl auth-cache-ttl: how long a successful login is remembered (keyed hash only); 0 disables
 */
public record Limits(
        long maxMessageSize,
        int maxRecipients,
        int maxHeaderSize,
        Duration authFailureDelay,
        Duration commandTimeout,
        Duration shutdownGrace,
        Duration authCacheTtl) {

    public static final Limits DEFAULTS = new Limits(
            25L * 1024 * 1024,
            100,
            256 * 1024,
            Duration.ofSeconds(1),
            Duration.ofMinutes(5),
            Duration.ofSeconds(30),
            Duration.ofHours(1));

    public Limits withAuthFailureDelay(Duration delay) {
        return new Limits(maxMessageSize, maxRecipients, maxHeaderSize, delay, commandTimeout, shutdownGrace, authCacheTtl);
    }
}
