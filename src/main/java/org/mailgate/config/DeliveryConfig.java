package org.mailgate.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** How queued mail leaves: the config file's [delivery] table and its sub-tables, each key with its type and default. */
public final class DeliveryConfig extends Settings<DeliveryConfig> {
    static final Table TABLE = new Table("delivery");

    public enum Dnssec { VALIDATE, OFF }

    /** A per-domain override: never STARTTLS, or TLS with a verified certificate or no delivery. */
    public enum TlsMode { NONE, REQUIRE_TLS }

    /** The port of remote MX servers (tests point it at a loopback receiver). */
    public static final Key<Integer> PORT = TABLE.key("port", ValueType.PORT, 25);
    /** "address" or "address:port" of the resolvers to ask; empty for the system's. */
    public static final Key<List<String>> DNS_SERVERS = TABLE.key("dns-servers", DeliveryValues.DNS_SERVERS, List.of());
    /** Validate DNSSEC locally (needed for DANE) or not at all. */
    public static final Key<Dnssec> DNSSEC = TABLE.key("dnssec",
            ValueType.choice("\"validate\" or \"off\"", Map.of("validate", Dnssec.VALIDATE, "off", Dnssec.OFF)), Dnssec.VALIDATE);
    /** DNSSEC trust anchors in zone-file form (DS or DNSKEY); null for the root's, bundled. */
    public static final Key<Path> TRUST_ANCHORS = TABLE.key("trust-anchors", ValueType.readableFile("a file of DS or DNSKEY records"), null);
    /** Extra trusted CA certificates (PEM) for MTA-STS, require-tls and the smart host; null for the JDK's only. */
    public static final Key<Path> CA_FILE = TABLE.key("ca-file", ValueType.readableFile("a PEM file of CA certificates"), null);
    /** Deliveries in flight at once, all destinations together. */
    public static final Key<Integer> CONCURRENCY = TABLE.key("concurrency", ValueType.POSITIVE, 20);
    /** Deliveries in flight to one destination (domain or smart host). */
    public static final Key<Integer> PER_DESTINATION = TABLE.key("per-destination", ValueType.POSITIVE, 5);
    /** The wait after the first failed attempt; each later wait doubles. */
    public static final Key<Duration> RETRY_FIRST = TABLE.key("retry-first", ValueType.DURATION, Duration.ofMinutes(5));
    /** The longest wait between attempts. */
    public static final Key<Duration> RETRY_MAX = TABLE.key("retry-max", ValueType.DURATION, Duration.ofHours(4));
    /** How long a message may stay in the queue before it bounces. */
    public static final Key<Duration> EXPIRE = TABLE.key("expire", ValueType.DURATION, Duration.ofDays(5));
    /** When the sender is told the message is delayed. */
    public static final Key<Duration> DELAY_WARNING = TABLE.key("delay-warning", ValueType.DURATION, Duration.ofHours(4));
    public static final Key<Duration> CONNECT_TIMEOUT = TABLE.key("connect-timeout", ValueType.DURATION, Duration.ofSeconds(30));
    public static final Key<Duration> COMMAND_TIMEOUT = TABLE.key("command-timeout", ValueType.DURATION, Duration.ofMinutes(5));
    /** The HTTPS port MTA-STS policies are fetched from. */
    public static final Key<Integer> MTA_STS_PORT = TABLE.key("mta-sts-port", ValueType.PORT, 443);
    /** Per-domain overrides of the outbound TLS policy ([delivery.tls-policy]). */
    public static final Key<Map<String, TlsMode>> TLS_POLICY = TABLE.key("tls-policy", DeliveryValues.TLS_POLICY, Map.of());
    /** [delivery.smarthost]; null to deliver straight to MX servers. */
    public static final Key<SmartHostConfig> SMART_HOST = TABLE.key("smarthost", DeliveryValues.SMART_HOST, null);
    /** null to deliver local mail to Maildirs in the data directory. */
    public static final Key<LmtpConfig> LMTP = TABLE.key("lmtp", DeliveryValues.LMTP, null);
    /**
     * Over LMTP, a message for a folder (Junk, for a DMARC p=quarantine failure) goes to
     * LOCAL+FOLDER@DOMAIN, which Dovecot files there with lmtp_save_to_detail_mailbox = yes
     * (and into the INBOX without it); off, every message goes to LOCAL@DOMAIN.
     */
    public static final Key<Boolean> LMTP_FOLDER_DETAIL = TABLE.key("lmtp-folder-detail", ValueType.FLAG, true);
    /** false to accept and queue only (maintenance, or a queue-only front node): nothing leaves. */
    public static final Key<Boolean> ENABLED = TABLE.key("enabled", ValueType.FLAG, true);
    /**
     * Senders may address an internal network by literal ([127.0.0.1], [10.0.0.1], [IPv6:fe80::1]);
     * off, such a recipient is refused and never connected to.
     */
    public static final Key<Boolean> ALLOW_PRIVATE_LITERALS = TABLE.key("allow-private-literals", ValueType.FLAG, false);

    public static final DeliveryConfig DEFAULTS = new DeliveryConfig(TABLE.defaults());

    DeliveryConfig(Values values) {
        super(values);
    }

    @Override
    DeliveryConfig copy(Values changed) {
        return new DeliveryConfig(changed);
    }

    /**
     * The upstream every message (or the listed domains' messages) is relayed through.
     *
     * @param implicitTls TLS from the first byte (465) instead of STARTTLS, which is then required
     * @param username null for no AUTH
     * @param domains the recipient domains relayed this way; empty for all non-local mail
     * @param passwordFile where the password came from, for the audit of its permissions; null for none or the environment
     */
    public record SmartHostConfig(String host, int port, boolean implicitTls, String username, String password, Set<String> domains,
            Path passwordFile) {
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

    public int port() {
        return get(PORT);
    }

    public List<String> dnsServers() {
        return get(DNS_SERVERS);
    }

    public Dnssec dnssec() {
        return get(DNSSEC);
    }

    public Path trustAnchors() {
        return get(TRUST_ANCHORS);
    }

    public Path caFile() {
        return get(CA_FILE);
    }

    public int concurrency() {
        return get(CONCURRENCY);
    }

    public int perDestination() {
        return get(PER_DESTINATION);
    }

    public Duration retryFirst() {
        return get(RETRY_FIRST);
    }

    public Duration retryMax() {
        return get(RETRY_MAX);
    }

    public Duration expire() {
        return get(EXPIRE);
    }

    public Duration delayWarning() {
        return get(DELAY_WARNING);
    }

    public Duration connectTimeout() {
        return get(CONNECT_TIMEOUT);
    }

    public Duration commandTimeout() {
        return get(COMMAND_TIMEOUT);
    }

    public int mtaStsPort() {
        return get(MTA_STS_PORT);
    }

    public Map<String, TlsMode> tlsPolicy() {
        return get(TLS_POLICY);
    }

    public SmartHostConfig smartHost() {
        return get(SMART_HOST);
    }

    public LmtpConfig lmtp() {
        return get(LMTP);
    }

    public boolean lmtpFolderDetail() {
        return get(LMTP_FOLDER_DETAIL);
    }

    public boolean enabled() {
        return get(ENABLED);
    }

    public boolean allowPrivateLiterals() {
        return get(ALLOW_PRIVATE_LITERALS);
    }
}
