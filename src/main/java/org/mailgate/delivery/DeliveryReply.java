package org.mailgate.delivery;

import org.mailgate.mail.EnhancedStatus;
import org.mailgate.mail.Mailbox;
import org.mailgate.mail.Reply;

/**
 * The replies delivery writes itself, in SMTP reply form, where no server gave one (DNS, TLS,
 * a local mailbox) or where it refuses to send what a server would reject: the one table of the
 * codes it records and reports (RFC 3463 enhanced status codes). 2xx is delivered, 4xx pending, 5xx failed.
 */
enum DeliveryReply {
    STORED(250, EnhancedStatus.of(2, 0, 0), "delivered to the mailbox of %s"),
    MAILBOX_UNWRITABLE(451, EnhancedStatus.of(4, 3, 0), "cannot write the mailbox of %s: %s"),
    CONNECTION_FAILED(451, EnhancedStatus.of(4, 4, 1), "connection to %s failed: %s"),
    CONNECTION_BROKE(451, EnhancedStatus.of(4, 4, 2), "connection to %s broke: %s"),
    DNS_FAILED(451, EnhancedStatus.of(4, 4, 3), "%s"),
    UNREACHABLE(451, EnhancedStatus.of(4, 4, 4), "%s"),
    EXPIRED(451, EnhancedStatus.of(4, 4, 7), "message expired after %d days in the queue%s"),
    NOT_IN_STS_POLICY(451, EnhancedStatus.of(4, 7, 5), "MX host %s is not named in the MTA-STS policy of %s"),
    DANE_UNKNOWN(451, EnhancedStatus.of(4, 7, 5), "%s"),
    NO_AUTH_MECHANISM(454, EnhancedStatus.of(4, 7, 0), "%s offers neither AUTH PLAIN nor LOGIN%s"),
    LOGIN_REFUSED(454, EnhancedStatus.of(4, 7, 0), "%s refused our login: %s"),
    NO_STARTTLS(454, EnhancedStatus.of(4, 7, 4), "%s does not offer STARTTLS, which %s requires"),
    TLS_FAILED(454, EnhancedStatus.of(4, 7, 5), "TLS with %s failed (%s): %s"),
    NO_SUCH_USER(550, EnhancedStatus.of(5, 1, 1), "<%s>: no such user here"),
    NO_SUCH_DOMAIN(550, EnhancedStatus.of(5, 1, 2), "%s: no such domain"),
    INTERNAL_LITERAL(550, EnhancedStatus.of(5, 7, 1), "%s names an internal network: not connected to (allow-private-literals is off)"),
    TOO_LARGE(552, EnhancedStatus.of(5, 3, 4), "message of %d bytes exceeds the %d-byte limit %s announces"),
    NEEDS_SMTPUTF8(553, EnhancedStatus.of(5, 6, 7), "%s does not support SMTPUTF8, which this message's internationalized addresses need"),
    RETURNED(554, EnhancedStatus.of(5, 0, 0), "returned to the sender by the postmaster"),
    NEEDS_8BITMIME(554, EnhancedStatus.of(5, 6, 3), "%s does not accept 8-bit MIME content, which this message has"),
    NULL_MX(556, EnhancedStatus.of(5, 1, 10), "%s accepts no mail (null MX, RFC 7505)");

    private final int code;
    private final EnhancedStatus status;
    private final String text;

    DeliveryReply(int code, EnhancedStatus status, String text) {
        this.code = code;
        this.status = status;
        this.text = text;
    }

    /** The reply, e.g. "556 5.1.10 example.com accepts no mail (null MX, RFC 7505)". */
    Reply reply(Object... details) {
        return Reply.of(code, status, text.formatted(details));
    }

    Outcome to(Mailbox recipient, String remoteMta, Object... details) {
        return Outcome.of(recipient, reply(details), remoteMta);
    }
}
