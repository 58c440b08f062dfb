package org.mailgate.smtp;

import java.util.Set;

/** An SMTP command as parsed from one line (RFC 5321 4.1.1, and the extensions we offer). */
public sealed interface Command {

    record Ehlo(String domain) implements Command {}

    record Helo(String domain) implements Command {}

    /** MAIL FROM; {@code sender} is null for the null reverse-path "<>". */
    record Mail(Mailbox sender, MailParameters parameters) implements Command {}

    record Rcpt(Mailbox recipient, RcptParameters parameters) implements Command {}

    record Data() implements Command {}

    /** RFC 3030 CHUNKING. */
    record Bdat(long size, boolean last) implements Command {}

    record Rset() implements Command {}

    record Noop() implements Command {}

    record Quit() implements Command {}

    record Help() implements Command {}

    record Vrfy() implements Command {}

    record Expn() implements Command {}

    record StartTls() implements Command {}

    /** RFC 4954 AUTH; {@code initialResponse} is null when absent. */
    record Auth(String mechanism, String initialResponse) implements Command {}

    /** The body type of RFC 6152 8BITMIME. */
    enum BodyType { SEVEN_BIT, EIGHT_BIT_MIME }

    /**
     * MAIL parameters: RFC 1870 SIZE (-1 when absent), RFC 6152 BODY, RFC 6531 SMTPUTF8 and the
     * RFC 3461 DSN parameters RET (null, "FULL" or "HDRS") and ENVID (xtext as received, or null).
     */
    record MailParameters(long size, BodyType body, boolean smtpUtf8, String ret, String envelopeId) {
        public static final MailParameters NONE = new MailParameters(-1, BodyType.SEVEN_BIT, false, null, null);
    }

    /** RFC 3461 RCPT parameters: NOTIFY keywords (empty when absent) and ORCPT as received (or null). */
    record RcptParameters(Set<String> notifyOn, String originalRecipient) {
        public static final RcptParameters NONE = new RcptParameters(Set.of(), null);
    }
}
