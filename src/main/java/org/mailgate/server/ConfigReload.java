package org.mailgate.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.mailgate.config.Key;
import org.mailgate.config.Limits;
import org.mailgate.config.MailgateConfig;

/**
 * What a reload (SIGHUP, `mailgate reload`) may change in a running server. New connections take
 * the hostname, the domains and postmaster, [tls], the per-connection [limits], trusted-proxies,
 * [dkim] and [mailauth]; [delivery] applies to the next delivery round, and the listeners that
 * changed are rebound. What sizes a counter that holds state (the login throttle, the sending
 * limits, the auto-ban, the connection and handshake limits) is kept as started, because a new
 * counter would forget every lockout and every message already counted: a change there is
 * reported and waits for a restart, so a reload never half-applies it.
 */
final class ConfigReload {
    private ConfigReload() {}

    /** The config to run with: {@code next} where it may apply now, {@code running} elsewhere; {@code report} gets what happened. */
    static MailgateConfig merge(MailgateConfig running, MailgateConfig next, List<String> report) {
        List<String> now = new ArrayList<>();
        compare(now, "hostname", running.hostname(), next.hostname());
        compare(now, "domains", running.domains(), next.domains());
        compare(now, "postmaster", running.postmaster(), next.postmaster());
        compare(now, "[tls]", running.tls(), next.tls());
        compare(now, "trusted-proxies", running.trustedProxies(), next.trustedProxies());
        compare(now, "[dkim]", running.dkim(), next.dkim());
        compare(now, "[mailauth]", running.mailauth(), next.mailauth());
        compare(now, "[delivery]", running.delivery(), next.delivery());
        compare(now, "[[listener]]", running.listeners(), next.listeners());
        compare(now, "[log]", running.log(), next.log());
        List<String> restart = new ArrayList<>();
        compare(restart, "[login-throttle]", running.loginThrottle(), next.loginThrottle());
        compare(restart, "[sending-limits]", running.sendingLimits(), next.sendingLimits());
        compare(restart, "[auto-ban]", running.autoBan(), next.autoBan());
        // The per-connection limits come from next, those fixed at start from the running config.
        Limits r = running.limits();
        Limits applied = next.limits();
        for (Key<?> key : Limits.FIXED_AT_START) {
            compare(restart, key.path(), r.get(key), applied.get(key));
            applied = keep(applied, r, key);
        }
        compare(now, "[limits]", r, applied);
        report.add(now.isEmpty() ? "config: nothing changed that applies now" : "config: applied " + String.join(", ", now));
        if (!restart.isEmpty()) {
            report.add("config: " + String.join(", ", restart) + " changed, and takes effect at the next restart");
        }
        return new MailgateConfig(next.hostname(), running.dataDir(), next.domains(), next.listeners(), next.tls(), applied,
                running.loginThrottle(), running.sendingLimits(), running.autoBan(), next.trustedProxies(), next.delivery(),
                next.postmaster(), next.dkim(), next.mailauth(), next.log());
    }

    private static <T> Limits keep(Limits limits, Limits running, Key<T> key) {
        return limits.with(key, running.get(key));
    }

    private static void compare(List<String> changed, String name, Object running, Object next) {
        if (!Objects.equals(running, next)) {
            changed.add(name);
        }
    }
}
