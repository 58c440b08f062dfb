package org.mailgate.config;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Every limit: the config file's [limits] table, each key with its type and default. */
public final class Limits extends Settings<Limits> {
    static final Table TABLE = new Table("limits");

    /** SIZE announced and enforced, in bytes. */
    public static final Key<Long> MAX_MESSAGE_SIZE = TABLE.key("max-message-size", ValueType.SIZE, 25L * 1024 * 1024);
    /** RCPT commands accepted per message. */
    public static final Key<Integer> MAX_RECIPIENTS = TABLE.key("max-recipients", ValueType.POSITIVE, 100);
    /** Bytes of header section held while checking it. */
    public static final Key<Integer> MAX_HEADER_SIZE = TABLE.key("max-header-size", ValueType.INT_SIZE, 256 * 1024);
    /** Refused commands before the server closes with 421 4.7.0. */
    public static final Key<Integer> MAX_ERRORS = TABLE.key("max-errors", ValueType.POSITIVE, 20);
    /** NOOP, RSET, VRFY, EXPN, HELP before each counts as an error. */
    public static final Key<Integer> MAX_JUNK_COMMANDS = TABLE.key("max-junk-commands", ValueType.POSITIVE, 100);
    /** The same wait before every failed AUTH reply. */
    public static final Key<Duration> AUTH_FAILURE_DELAY = TABLE.key("auth-failure-delay", ValueType.DURATION, Duration.ofSeconds(1));
    /** How long a successful login is remembered (keyed hash only); 0 disables. */
    public static final Key<Duration> AUTH_CACHE_TTL = TABLE.key("auth-cache-ttl", ValueType.DURATION, Duration.ofHours(1));
    /** Time for a whole command line to arrive (RFC 5321 4.5.3.2.7). */
    public static final Key<Duration> COMMAND_TIMEOUT = TABLE.key("command-timeout", ValueType.DURATION, Duration.ofMinutes(5));
    /** Time for each block of message content (RFC 5321 4.5.3.2.5). */
    public static final Key<Duration> DATA_TIMEOUT = TABLE.key("data-timeout", ValueType.DURATION, Duration.ofMinutes(3));
    public static final Key<Duration> TLS_HANDSHAKE_TIMEOUT = TABLE.key("tls-handshake-timeout", ValueType.DURATION, Duration.ofSeconds(30));
    /** The longest a connection may last, however busy. */
    public static final Key<Duration> SESSION_TIMEOUT = TABLE.key("session-timeout", ValueType.DURATION, Duration.ofMinutes(30));
    /** How long sessions in flight may finish after SIGTERM. */
    public static final Key<Duration> SHUTDOWN_GRACE = TABLE.key("shutdown-grace", ValueType.DURATION, Duration.ofSeconds(30));
    /** Connections open at once, server-wide. */
    public static final Key<Integer> MAX_CONNECTIONS = TABLE.key("max-connections", ValueType.POSITIVE, 20_000);
    /** Connections open at once from one client (IPv6: its /64). */
    public static final Key<Integer> MAX_CONNECTIONS_PER_ADDRESS = TABLE.key("max-connections-per-address", ValueType.POSITIVE, 50);
    /** New connections per minute from one client (IPv6: its /64). */
    public static final Key<Integer> MAX_CONNECTION_RATE = TABLE.key("max-connection-rate", ValueType.POSITIVE, 300);
    /** TLS handshakes in progress at once, server-wide. */
    public static final Key<Integer> MAX_TLS_HANDSHAKES = TABLE.key("max-tls-handshakes", ValueType.POSITIVE, 1_000);
    /** TLS handshakes in progress at once from one client (IPv6: its /64). */
    public static final Key<Integer> MAX_TLS_HANDSHAKES_PER_ADDRESS = TABLE.key("max-tls-handshakes-per-address", ValueType.POSITIVE, 10);
    /** "normalize": a bare LF in a message is read as CRLF, instead of refusing the message ("reject"). */
    /**
     * Clients (an application server, an office network) exempt from the per-client limits: the
     * connections and connection rate per address, and TLS handshakes per address, as Postfix
     * exempts its mynetworks from anvil. The server-wide limits, bans, login throttling and each
     * user's sending limits still apply to them.
     */
    public static final Key<List<AddressRange>> TRUSTED_NETWORKS = TABLE.key("trusted-networks", ValueType.ADDRESS_RANGES, List.of());
    /**
     * Free space the spool's file system keeps: MAIL is refused with 452 4.3.1 when what is left
     * after its declared SIZE would be less (Postfix's queue_minfree), so a full disk defers mail
     * before a message is half written.
     */
    public static final Key<Long> MIN_FREE_SPACE = TABLE.key("min-free-space", ValueType.SIZE, 64L * 1024 * 1024);
    /** `mailgate user add` and `user passwd` refuse a shorter password (NIST SP 800-63B: at least 8). */
    public static final Key<Integer> MIN_PASSWORD_LENGTH = TABLE.key("min-password-length", ValueType.POSITIVE, 8);
    public static final Key<Boolean> NORMALIZE_BARE_LINE_FEEDS = TABLE.key("bare-line-feed",
            ValueType.choice("one of \"reject\", \"normalize\"", Map.of("reject", false, "normalize", true)), false);

    public static final Limits DEFAULTS = new Limits(TABLE.defaults());

    Limits(Values values) {
        super(values);
    }

    @Override
    Limits copy(Values changed) {
        return new Limits(changed);
    }

    public long maxMessageSize() {
        return get(MAX_MESSAGE_SIZE);
    }

    public int maxRecipients() {
        return get(MAX_RECIPIENTS);
    }

    public int maxHeaderSize() {
        return get(MAX_HEADER_SIZE);
    }

    public int maxErrors() {
        return get(MAX_ERRORS);
    }

    public int maxJunkCommands() {
        return get(MAX_JUNK_COMMANDS);
    }

    /** Whether the client is in one of the trusted networks. */
    public boolean trusted(InetAddress client) {
        return get(TRUSTED_NETWORKS).stream().anyMatch(range -> range.contains(client));
    }

    public long minFreeSpace() {
        return get(MIN_FREE_SPACE);
    }

    public int minPasswordLength() {
        return get(MIN_PASSWORD_LENGTH);
    }

    public Duration authFailureDelay() {
        return get(AUTH_FAILURE_DELAY);
    }

    public Duration authCacheTtl() {
        return get(AUTH_CACHE_TTL);
    }

    public Duration commandTimeout() {
        return get(COMMAND_TIMEOUT);
    }

    public Duration dataTimeout() {
        return get(DATA_TIMEOUT);
    }

    public Duration tlsHandshakeTimeout() {
        return get(TLS_HANDSHAKE_TIMEOUT);
    }

    public Duration sessionTimeout() {
        return get(SESSION_TIMEOUT);
    }

    public Duration shutdownGrace() {
        return get(SHUTDOWN_GRACE);
    }

    public int maxConnections() {
        return get(MAX_CONNECTIONS);
    }

    public int maxConnectionsPerAddress() {
        return get(MAX_CONNECTIONS_PER_ADDRESS);
    }

    public int maxConnectionRate() {
        return get(MAX_CONNECTION_RATE);
    }

    public int maxTlsHandshakes() {
        return get(MAX_TLS_HANDSHAKES);
    }

    public int maxTlsHandshakesPerAddress() {
        return get(MAX_TLS_HANDSHAKES_PER_ADDRESS);
    }

    public boolean normalizeBareLineFeeds() {
        return get(NORMALIZE_BARE_LINE_FEEDS);
    }
}
