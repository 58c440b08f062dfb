package org.mailgate.config;

import java.util.Locale;

/** What a listener is for; this decides TLS and AUTH behaviour, not the port number. */
public enum ListenerKind {
    /** RFC 6409 submission: STARTTLS, then AUTH, then mail (ports 587, 2525). */
    SUBMISSION,
    /** RFC 8314 submissions: TLS from the first byte, then AUTH (port 465). */
    SUBMISSIONS,
    /** MX-style inbound: no AUTH, recipients of local domains only (port 25). */
    INBOUND;

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
