package org.mailgate.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.mailgate.config.MailgateConfig;

/**
 * What a reload (SIGHUP, `mailgate reload`) changes, by the config's names, for its report.
 * Everything in the file but data-dir and [storage] applies to a running server: new sessions take the
 * hostname, domains, [tls], [limits], [dkim], [mailauth]; delivery takes [delivery] from its next
 * round; listeners are rebound; and the counters behind the throttles, limits and bans take their
 * new sizes and windows without forgetting what they counted, so a reload lifts no lockout.
 */
final class ConfigReload {
    private ConfigReload() {}

    /** The parts of the config that differ between {@code running} and {@code next}, in the file's order. */
    static List<String> changed(MailgateConfig running, MailgateConfig next) {
        List<String> changed = new ArrayList<>();
        compare(changed, "hostname", running.hostname(), next.hostname());
        compare(changed, "domains", running.domains(), next.domains());
        compare(changed, "postmaster", running.postmaster(), next.postmaster());
        compare(changed, "trusted-proxies", running.trustedProxies(), next.trustedProxies());
        compare(changed, "[tls]", running.tls(), next.tls());
        compare(changed, "[log]", running.log(), next.log());
        compare(changed, "[[listener]]", running.listeners(), next.listeners());
        compare(changed, "[limits]", running.limits(), next.limits());
        compare(changed, "[login-throttle]", running.loginThrottle(), next.loginThrottle());
        compare(changed, "[sending-limits]", running.sendingLimits(), next.sendingLimits());
        compare(changed, "[auto-ban]", running.autoBan(), next.autoBan());
        compare(changed, "[delivery]", running.delivery(), next.delivery());
        compare(changed, "[dkim]", running.dkim(), next.dkim());
        compare(changed, "[mailauth]", running.mailauth(), next.mailauth());
        compare(changed, "[http]", running.http(), next.http());
        return changed;
    }

    /** What differs and waits for a restart: where the queue and users live. */
    static List<String> keptUntilRestart(MailgateConfig running, MailgateConfig next) {
        List<String> kept = new ArrayList<>();
        compare(kept, "data-dir", running.dataDir(), next.dataDir());
        compare(kept, "[storage]", running.storage(), next.storage());
        return kept;
    }

    private static void compare(List<String> changed, String name, Object running, Object next) {
        if (!Objects.equals(running, next)) {
            changed.add(name);
        }
    }
}
