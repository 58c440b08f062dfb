package org.mailgate.smtp;

import java.util.ArrayList;
import java.util.List;

/** What EHLO advertises (RFC 5321 4.1.1.1), as the listener's settings and the session's state decide. */
final class Capabilities {
    private Capabilities() {}

    /** The EHLO reply's lines: the host name, then the extensions offered. */
    static List<String> ehlo(SessionSettings settings, boolean tlsActive, boolean authenticated) {
        List<String> lines = new ArrayList<>();
        lines.add(settings.hostname());
        lines.add("PIPELINING");                              // RFC 2920
        lines.add("SIZE " + settings.maxMessageSize());       // RFC 1870
        lines.add("8BITMIME");                                // RFC 6152
        lines.add("ENHANCEDSTATUSCODES");                     // RFC 2034
        lines.add("SMTPUTF8");                                // RFC 6531
        lines.add("CHUNKING");                                // RFC 3030
        lines.add("DSN");                                     // RFC 3461
        if (settings.startTlsOffered() && !tlsActive) {
            lines.add("STARTTLS");                            // RFC 3207
        }
        // RFC 4954 4 and RFC 8314: AUTH only inside TLS, and not once authenticated
        if (settings.authOffered() && tlsActive && !authenticated) {
            lines.add("AUTH " + SaslExchange.MECHANISMS);
        }
        return lines;
    }
}
