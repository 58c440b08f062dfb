package org.mailgate.delivery;

import org.mailgate.config.DeliveryConfig;
import org.mailgate.mail.Mailbox;

/** Where a recipient's copy goes: a local mailbox, the smart host, or the domain's MX servers. */
public sealed interface Route {
    /** Recipients with the same key are sent in one transaction; the key also names the concurrency limit. */
    String key();

    record Local() implements Route {
        public String key() {
            return "local";
        }
    }

    record SmartHost() implements Route {
        public String key() {
            return "smarthost";
        }
    }

    record Mx(String domain) implements Route {
        public String key() {
            return "mx:" + domain;
        }
    }

    /** Local when the domain is ours; else the smart host if it takes the domain; else MX. */
    static Route of(Mailbox recipient, LocalMailboxes mailboxes, DeliveryConfig.SmartHostConfig smartHost) {
        String domain = recipient.domain();
        if (mailboxes.isLocal(domain)) {
            return new Local();
        }
        if (smartHost != null && (smartHost.domains().isEmpty() || smartHost.domains().contains(domain))) {
            return new SmartHost();
        }
        return new Mx(domain);
    }
}
