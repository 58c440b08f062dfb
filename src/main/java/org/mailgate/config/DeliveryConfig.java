package org.mailgate.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How queued mail leaves: the config file's [delivery] table and its sub-tables.
 *
 * @param port the port of remote MX servers (25; tests point it at a loopback receiver)
 * @param dnsServers "address" or "address:port" of the resolvers to ask; empty for the system's
 * @param dnssec validate DNSSEC locally (needed for DANE) or not at all
 * @param trustAnchors DNSSEC trust anchors in zone-file form (DS or DNSKEY); null for the root's, bundled
 * @param caFile extra trusted CA certificates (PEM) for MTA-STS, require-tls and the smart host; null for the JDK's only
 * @param concurrency deliveries in flight at once, all destinations together
 * @param perDestination deliveries in flight to one destination (domain or smart host)
 * @param retryFirst the wait after the first failed attempt; each later wait doubles
 * @param retryMax the longest wait between attempts
 * @param expire how long a message may stay in the queue before it bounces
 * @param delayWarning when the sender is told the message is delayed
 * @param mtaStsPort the HTTPS port MTA-STS policies are fetched from (443)
 * @param tlsPolicy per-domain overrides of the outbound TLS policy
 * @param smartHost null to deliver straight to MX servers
 * @param lmtp null to deliver local mail to Maildirs in the data directory
 * @param enabled false to accept and queue only (maintenance, or a queue-only front node): nothing leaves
 * @param allowPrivateLiterals allow-private-literals: senders may address an internal network by literal
 *     ([127.0.0.1], [10.0.0.1], [IPv6:fe80::1]); off, such a recipient is refused and never connected to
 */
public record DeliveryConfig(
        int port,
        List<String> dnsServers,
        Dnssec dnssec,
        Path trustAnchors,
        Path caFile,
        int concurrency,
        int perDestination,
        Duration retryFirst,
        Duration retryMax,
        Duration expire,
        Duration delayWarning,
        Duration connectTimeout,
        Duration commandTimeout,
        int mtaStsPort,
        Map<String, TlsMode> tlsPolicy,
        SmartHostConfig smartHost,
        LmtpConfig lmtp,
        boolean enabled,
        boolean allowPrivateLiterals) {

    public enum Dnssec { VALIDATE, OFF }

    /** A per-domain override: never STARTTLS, or TLS with a verified certificate or no delivery. */
    public enum TlsMode { NONE, REQUIRE_TLS }

    public DeliveryConfig {
        dnsServers = List.copyOf(dnsServers);
        tlsPolicy = Map.copyOf(tlsPolicy);
    }

    public static final DeliveryConfig DEFAULTS = new DeliveryConfig(25, List.of(), Dnssec.VALIDATE, null, null, 20, 5,
            Duration.ofMinutes(5), Duration.ofHours(4), Duration.ofDays(5), Duration.ofHours(4),
            Duration.ofSeconds(30), Duration.ofMinutes(5), 443, Map.of(), null, null, true, false);

    public DeliveryConfig withDns(List<String> servers, Dnssec validation, Path anchors) {
        return new DeliveryConfig(port, servers, validation, anchors, caFile, concurrency, perDestination, retryFirst,
                retryMax, expire, delayWarning, connectTimeout, commandTimeout, mtaStsPort, tlsPolicy, smartHost, lmtp, enabled, allowPrivateLiterals);
    }

    public DeliveryConfig withPrivateLiteralsAllowed(boolean allowed) {
        return new DeliveryConfig(port, dnsServers, dnssec, trustAnchors, caFile, concurrency, perDestination, retryFirst,
                retryMax, expire, delayWarning, connectTimeout, commandTimeout, mtaStsPort, tlsPolicy, smartHost, lmtp, enabled, allowed);
    }

    /**
     * The upstream every message (or the listed domains' messages) is relayed through.
     *
     * @param implicitTls TLS from the first byte (465) instead of STARTTLS, which is then required
     * @param username null for no AUTH
     * @param domains the recipient domains relayed this way; empty for all non-local mail
     */
    public record SmartHostConfig(String host, int port, boolean implicitTls, String username, String password, Set<String> domains) {
        public SmartHostConfig {
            domains = Set.copyOf(domains);
        }

        @Override
        public String toString() {
            return "SmartHostConfig[" + host + ":" + port + (implicitTls ? " implicit TLS" : " STARTTLS") + " as " + username + " for " + domains + "]";
        }
    }

    /** Dovecot's (or any) LMTP server for local mailboxes, on TCP. */
    public record LmtpConfig(String host, int port) {}
}
