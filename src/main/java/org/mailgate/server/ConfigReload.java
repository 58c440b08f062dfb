package org.mailgate.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.mailgate.config.Key;
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
        compare(restart, "[dkim]", running.dkim(), next.dkim());
        compare(restart, "[mailauth]", running.mailauth(), next.mailauth());
        compare(restart, "[[listener]]", running.listeners(), next.listeners());
        compare(restart, "[login-throttle]", running.loginThrottle(), next.loginThrottle());
        compare(restart, "[sending-limits]", running.sendingLimits(), next.sendingLimits());
        compare(restart, "[auto-ban]", running.autoBan(), next.autoBan());
        compare(restart, "[delivery]", running.delivery(), next.delivery());
        // The per-connection limits come from next, those fixed at start from the running config.
        Limits applied = n;
        for (Key<?> key : Limits.FIXED_AT_START) {
            compare(restart, key.path(), r.get(key), n.get(key));
            applied = keep(applied, r, key);
        }
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
                running.postmaster(), running.dkim(), running.mailauth());
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
