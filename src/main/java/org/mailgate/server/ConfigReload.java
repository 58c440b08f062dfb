package org.mailgate.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.mailgate.config.Limits;
import org.mailgate.config.MailgateConfig;

/**
 * What a reload (SIGHUP) may change in a running server: what each new connection reads when it
 * starts, the per-connection [limits], the [tls] files and trusted-proxies. The rest is built
 * into parts that hold state or sockets (the listeners, the delivery queue, the counters behind
 * the throttles, limits and bans, the local domains): a change there is reported and waits for a
 * restart, so a reload never half-applies it.
 */
final class ConfigReload {
    private ConfigReload() {}

    /** The config to run with: {@code next} where it may apply now, {@code running} elsewhere; {@code report} gets what happened. */
    static MailgateConfig merge(MailgateConfig running, MailgateConfig next, List<String> report) {
        List<String> restart = new ArrayList<>();
        Limits r = running.limits();
        Limits n = next.limits();
        compare(restart, "hostname", running.hostname(), next.hostname());
        compare(restart, "domains", running.domains(), next.domains());
        compare(restart, "postmaster", running.postmaster(), next.postmaster());
        compare(restart, "[[listener]]", running.listeners(), next.listeners());
        compare(restart, "[login-throttle]", running.loginThrottle(), next.loginThrottle());
        compare(restart, "[sending-limits]", running.sendingLimits(), next.sendingLimits());
        compare(restart, "[auto-ban]", running.autoBan(), next.autoBan());
        compare(restart, "[delivery]", running.delivery(), next.delivery());
        compare(restart, "limits.max-connections", r.maxConnections(), n.maxConnections());
        compare(restart, "limits.max-connections-per-address", r.maxConnectionsPerAddress(), n.maxConnectionsPerAddress());
        compare(restart, "limits.max-connection-rate", r.maxConnectionRate(), n.maxConnectionRate());
        compare(restart, "limits.max-tls-handshakes", r.maxTlsHandshakes(), n.maxTlsHandshakes());
        compare(restart, "limits.max-tls-handshakes-per-address", r.maxTlsHandshakesPerAddress(), n.maxTlsHandshakesPerAddress());
        compare(restart, "limits.auth-failure-delay", r.authFailureDelay(), n.authFailureDelay());
        compare(restart, "limits.auth-cache-ttl", r.authCacheTtl(), n.authCacheTtl());
        compare(restart, "limits.shutdown-grace", r.shutdownGrace(), n.shutdownGrace());
        // The per-connection limits come from next, the counters' from the running config.
        Limits applied = new Limits(n.maxMessageSize(), n.maxRecipients(), n.maxHeaderSize(), n.maxErrors(), n.maxJunkCommands(),
                r.authFailureDelay(), r.authCacheTtl(), n.commandTimeout(), n.dataTimeout(), n.tlsHandshakeTimeout(),
                n.sessionTimeout(), r.shutdownGrace(), r.maxConnections(), r.maxConnectionsPerAddress(), r.maxConnectionRate(),
                r.maxTlsHandshakes(), r.maxTlsHandshakesPerAddress(), n.normalizeBareLineFeeds());
        List<String> now = new ArrayList<>();
        compare(now, "[limits]", r, applied);
        compare(now, "[tls]", running.tls(), next.tls());
        compare(now, "trusted-proxies", running.trustedProxies(), next.trustedProxies());
        report.add(now.isEmpty() ? "config: nothing to apply now" : "config: " + String.join(", ", now) + " applied to new connections");
        if (!restart.isEmpty()) {
            report.add("config: " + String.join(", ", restart) + " changed, and takes effect at the next restart");
        }
        return new MailgateConfig(running.hostname(), running.dataDir(), running.domains(), running.listeners(), next.tls(), applied,
                running.loginThrottle(), running.sendingLimits(), running.autoBan(), next.trustedProxies(), running.delivery(),
                running.postmaster());
    }

    private static void compare(List<String> changed, String name, Object running, Object next) {
        if (!Objects.equals(running, next)) {
            changed.add(name);
        }
    }
}
