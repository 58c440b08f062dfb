package org.mailgate.config;

import java.time.Duration;

/**
 * Every limit, with its name in the config file's [limits] table.
 *
 * @param maxMessageSize max-message-size: SIZE announced and enforced, in bytes
 * @param maxRecipients max-recipients: RCPT commands accepted per message
 * @param maxHeaderSize max-header-size: bytes of header section held while checking it
 * @param maxErrors max-errors: refused commands before the server closes with 421 4.7.0
 * @param maxJunkCommands max-junk-commands: NOOP, RSET, VRFY, EXPN, HELP before each counts as an error
 * @param authFailureDelay auth-failure-delay: the same wait before every failed AUTH reply
 * @param authCacheTtl auth-cache-ttl: how long a successful login is remembered (keyed hash only); 0 disables
 * @param commandTimeout command-timeout: time for a whole command line to arrive (RFC 5321 4.5.3.2.7)
 * @param dataTimeout data-timeout: time for each block of message content (RFC 5321 4.5.3.2.5)
 * @param tlsHandshakeTimeout tls-handshake-timeout: time for a TLS handshake to complete
 * @param sessionTimeout session-timeout: the longest a connection may last, however busy
 * @param shutdownGrace shutdown-grace: how long sessions in flight may finish after SIGTERM
 * @param maxConnections max-connections: connections open at once, server-wide
 * @param maxConnectionsPerAddress max-connections-per-address: connections open at once from one client (IPv6: its /64)
 * @param maxConnectionRate max-connection-rate: new connections per minute from one client (IPv6: its /64)
 * @param maxTlsHandshakes max-tls-handshakes: TLS handshakes in progress at once, server-wide
 * @param maxTlsHandshakesPerAddress max-tls-handshakes-per-address: TLS handshakes in progress at once from one client (IPv6: its /64)
 * @param normalizeBareLineFeeds bare-line-feed = "normalize": a bare LF in a message is read as CRLF
 *     instead of refusing the message ("reject", the default)
 */
public record Limits(
        long maxMessageSize,
        int maxRecipients,
        int maxHeaderSize,
        int maxErrors,
        int maxJunkCommands,
        Duration authFailureDelay,
        Duration authCacheTtl,
        Duration commandTimeout,
        Duration dataTimeout,
        Duration tlsHandshakeTimeout,
        Duration sessionTimeout,
        Duration shutdownGrace,
        int maxConnections,
        int maxConnectionsPerAddress,
        int maxConnectionRate,
        int maxTlsHandshakes,
        int maxTlsHandshakesPerAddress,
        boolean normalizeBareLineFeeds) {

    public static final Limits DEFAULTS = new Limits(
            25L * 1024 * 1024,
            100,
            256 * 1024,
            20,
            100,
            Duration.ofSeconds(1),
            Duration.ofHours(1),
            Duration.ofMinutes(5),
            Duration.ofMinutes(3),
            Duration.ofSeconds(30),
            Duration.ofMinutes(30),
            Duration.ofSeconds(30),
            20_000,
            50,
            300,
            1_000,
            10,
            false);

    public Limits withAuthFailureDelay(Duration delay) {
        return new Limits(maxMessageSize, maxRecipients, maxHeaderSize, maxErrors, maxJunkCommands, delay, authCacheTtl,
                commandTimeout, dataTimeout, tlsHandshakeTimeout, sessionTimeout, shutdownGrace,
                maxConnections, maxConnectionsPerAddress, maxConnectionRate, maxTlsHandshakes, maxTlsHandshakesPerAddress, normalizeBareLineFeeds);
    }

    public Limits withTimeouts(Duration command, Duration data, Duration tlsHandshake, Duration session) {
        return new Limits(maxMessageSize, maxRecipients, maxHeaderSize, maxErrors, maxJunkCommands, authFailureDelay, authCacheTtl,
                command, data, tlsHandshake, session, shutdownGrace,
                maxConnections, maxConnectionsPerAddress, maxConnectionRate, maxTlsHandshakes, maxTlsHandshakesPerAddress, normalizeBareLineFeeds);
    }

    public Limits withMaxRecipients(int max) {
        return new Limits(maxMessageSize, max, maxHeaderSize, maxErrors, maxJunkCommands, authFailureDelay, authCacheTtl,
                commandTimeout, dataTimeout, tlsHandshakeTimeout, sessionTimeout, shutdownGrace,
                maxConnections, maxConnectionsPerAddress, maxConnectionRate, maxTlsHandshakes, maxTlsHandshakesPerAddress, normalizeBareLineFeeds);
    }

    public Limits withTlsHandshakes(int max, int perAddress) {
        return new Limits(maxMessageSize, maxRecipients, maxHeaderSize, maxErrors, maxJunkCommands, authFailureDelay, authCacheTtl,
                commandTimeout, dataTimeout, tlsHandshakeTimeout, sessionTimeout, shutdownGrace,
                maxConnections, maxConnectionsPerAddress, maxConnectionRate, max, perAddress, normalizeBareLineFeeds);
    }

    public Limits withBareLineFeedsNormalized(boolean normalize) {
        return new Limits(maxMessageSize, maxRecipients, maxHeaderSize, maxErrors, maxJunkCommands, authFailureDelay, authCacheTtl,
                commandTimeout, dataTimeout, tlsHandshakeTimeout, sessionTimeout, shutdownGrace,
                maxConnections, maxConnectionsPerAddress, maxConnectionRate, maxTlsHandshakes, maxTlsHandshakesPerAddress, normalize);
    }
}
