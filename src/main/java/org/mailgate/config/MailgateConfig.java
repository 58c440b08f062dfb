package org.mailgate.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The whole configuration, immutable and validated.
 *
 * @param domains the domains named in the config; users' domains are local too
 * @param tls null for a self-signed certificate generated into the data directory
 * @param trustedProxies the only peers whose PROXY protocol headers are believed
 * @param delivery how queued mail leaves
 * @param postmaster the local address that receives postmaster@ every local domain; null for the first user
 * @param dkim how submitted mail is signed
 * @param mailauth what inbound mail's SPF, DKIM and DMARC verdicts lead to
 * @param log the server log's level and format
 * @param http the HTTP listener (metrics, health); null for none
 * @param storage where the queue, users and counters live: files, or a shared PostgreSQL
 */
public record MailgateConfig(
        String hostname,
        Path dataDir,
        Set<String> domains,
        List<ListenerConfig> listeners,
        TlsConfig tls,
        Limits limits,
        LoginThrottleConfig loginThrottle,
        SendingLimitsConfig sendingLimits,
        AutoBanConfig autoBan,
        List<AddressRange> trustedProxies,
        DeliveryConfig delivery,
        String postmaster,
        DkimConfig dkim,
        MailauthConfig mailauth,
        LogConfig log,
        HttpConfig http,
        StorageConfig storage) {

    public MailgateConfig {
        domains = Set.copyOf(domains);
        listeners = List.copyOf(listeners);
        trustedProxies = List.copyOf(trustedProxies);
    }

    /** Every protection at its default. */
    public MailgateConfig(String hostname, Path dataDir, Set<String> domains, List<ListenerConfig> listeners,
            TlsConfig tls, Limits limits) {
        this(hostname, dataDir, domains, listeners, tls, limits, LoginThrottleConfig.DEFAULTS,
                SendingLimitsConfig.DEFAULTS, AutoBanConfig.DEFAULTS, List.of(), DeliveryConfig.DEFAULTS, null, DkimConfig.DEFAULTS, MailauthConfig.DEFAULTS, LogConfig.DEFAULTS, null, StorageConfig.FILE);
    }

    /** The embedded default: loopback, unprivileged ports, every listener kind. */
    public static MailgateConfig embedded(String hostname, Path dataDir) {
        return new MailgateConfig(hostname, dataDir, Set.of(), List.of(
                new ListenerConfig("127.0.0.1", 1587, ListenerKind.SUBMISSION),
                new ListenerConfig("127.0.0.1", 1465, ListenerKind.SUBMISSIONS),
                new ListenerConfig("127.0.0.1", 2525, ListenerKind.SUBMISSION),
                new ListenerConfig("127.0.0.1", 1025, ListenerKind.INBOUND)),
                null, Limits.DEFAULTS).withHttp(HttpConfig.DEFAULTS);
    }

    public MailgateConfig withHttp(HttpConfig replacement) {
        return new MailgateConfig(hostname, dataDir, domains, listeners, tls, limits, loginThrottle, sendingLimits, autoBan, trustedProxies, delivery, postmaster, dkim, mailauth, log, replacement, storage);
    }

    public MailgateConfig withStorage(StorageConfig replacement) {
        return new MailgateConfig(hostname, dataDir, domains, listeners, tls, limits, loginThrottle, sendingLimits, autoBan, trustedProxies, delivery, postmaster, dkim, mailauth, log, http, replacement);
    }

    public MailgateConfig withDataDir(Path dir) {
        return new MailgateConfig(hostname, dir, domains, listeners, tls, limits, loginThrottle, sendingLimits, autoBan, trustedProxies, delivery, postmaster, dkim, mailauth, log, http, storage);
    }

    public MailgateConfig withListeners(List<ListenerConfig> replacement) {
        return new MailgateConfig(hostname, dataDir, domains, replacement, tls, limits, loginThrottle, sendingLimits, autoBan, trustedProxies, delivery, postmaster, dkim, mailauth, log, http, storage);
    }

    public MailgateConfig withLimits(Limits replacement) {
        return new MailgateConfig(hostname, dataDir, domains, listeners, tls, replacement, loginThrottle, sendingLimits, autoBan, trustedProxies, delivery, postmaster, dkim, mailauth, log, http, storage);
    }

    public MailgateConfig withProtections(LoginThrottleConfig throttle, SendingLimitsConfig sending, AutoBanConfig bans,
            List<AddressRange> proxies) {
        return new MailgateConfig(hostname, dataDir, domains, listeners, tls, limits, throttle, sending, bans, proxies, delivery, postmaster, dkim, mailauth, log, http, storage);
    }

    public MailgateConfig withTls(TlsConfig replacement) {
        return new MailgateConfig(hostname, dataDir, domains, listeners, replacement, limits, loginThrottle, sendingLimits, autoBan, trustedProxies, delivery, postmaster, dkim, mailauth, log, http, storage);
    }

    public MailgateConfig withDkim(DkimConfig replacement) {
        return new MailgateConfig(hostname, dataDir, domains, listeners, tls, limits, loginThrottle, sendingLimits, autoBan, trustedProxies, delivery, postmaster, replacement, mailauth, log, http, storage);
    }

    public MailgateConfig withMailauth(MailauthConfig replacement) {
        return new MailgateConfig(hostname, dataDir, domains, listeners, tls, limits, loginThrottle, sendingLimits, autoBan, trustedProxies, delivery, postmaster, dkim, replacement, log, http, storage);
    }

    public MailgateConfig withDelivery(DeliveryConfig replacement) {
        return new MailgateConfig(hostname, dataDir, domains, listeners, tls, limits, loginThrottle, sendingLimits, autoBan, trustedProxies, replacement, postmaster, dkim, mailauth, log, http, storage);
    }
}
