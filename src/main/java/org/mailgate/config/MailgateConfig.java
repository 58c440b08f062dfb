package org.mailgate.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The whole configuration, immutable and validated.
 *
 * @param domains the domains named in the config; users' domains are local too
 * @param tls null for a self-signed certificate generated into the data directory
 */
public record MailgateConfig(
        String hostname,
        Path dataDir,
        Set<String> domains,
        List<ListenerConfig> listeners,
        TlsConfig tls,
        Limits limits) {

    public MailgateConfig {
        domains = Set.copyOf(domains);
        listeners = List.copyOf(listeners);
    }

    /** The embedded default: loopback, unprivileged ports, every listener kind. */
    public static MailgateConfig embedded(String hostname, Path dataDir) {
        return new MailgateConfig(hostname, dataDir, Set.of(), List.of(
                new ListenerConfig("127.0.0.1", 1587, ListenerKind.SUBMISSION),
                new ListenerConfig("127.0.0.1", 1465, ListenerKind.SUBMISSIONS),
                new ListenerConfig("127.0.0.1", 2525, ListenerKind.SUBMISSION),
                new ListenerConfig("127.0.0.1", 1025, ListenerKind.INBOUND)),
                null, Limits.DEFAULTS);
    }

    public MailgateConfig withDataDir(Path dir) {
        return new MailgateConfig(hostname, dir, domains, listeners, tls, limits);
    }

    public MailgateConfig withListeners(List<ListenerConfig> replacement) {
        return new MailgateConfig(hostname, dataDir, domains, replacement, tls, limits);
    }

    public MailgateConfig withLimits(Limits replacement) {
        return new MailgateConfig(hostname, dataDir, domains, listeners, tls, replacement);
    }

    public MailgateConfig withDomains(Set<String> replacement) {
        return new MailgateConfig(hostname, dataDir, replacement, listeners, tls, limits);
    }
}
