package org.mailgate.smtp;

import java.util.Optional;
import java.util.Set;
import org.mailgate.mail.BodyType;
import org.mailgate.mail.DsnReturn;
import org.mailgate.mail.Mailbox;
import org.mailgate.mail.Notify;

/** An SMTP command as parsed from one line (RFC 5321 4.1.1, and the extensions we offer). */
public sealed interface Command {

    /**
     * NOOP, RSET, VRFY, EXPN, HELP: answered, but a client sending many is probing or stuck, so
     * past a limit each counts as an error (Postfix's smtpd_junk_command_limit).
     */
    /** The command as a log line may show it: AUTH's credentials never, an address as given. */
    default String logged() {
        return switch (this) {
            case Ehlo e -> "EHLO " + e.domain();
            case Helo h -> "HELO " + h.domain();
            case Mail m -> "MAIL FROM:<" + (m.sender() == null ? "" : m.sender()) + ">";
            case Rcpt r -> "RCPT TO:<" + r.recipient() + ">";
            case Data d -> "DATA";
            case Bdat b -> "BDAT";
            case Rset r -> "RSET";
            case Noop n -> "NOOP";
            case Quit q -> "QUIT";
            case Help h -> "HELP";
            case Vrfy v -> "VRFY";
            case Expn e -> "EXPN";
            case StartTls t -> "STARTTLS";
            case Auth a -> "AUTH " + a.mechanism();
        };
    }

    default boolean isJunk() {
        return false;
    }

    record Ehlo(String domain) implements Command {}

    record Helo(String domain) implements Command {}

    /** MAIL FROM; {@code sender} is null for the null reverse-path "<>". */
    record Mail(Mailbox sender, MailParameters parameters) implements Command {}

    record Rcpt(Mailbox recipient, RcptParameters parameters) implements Command {}

    /** RFC 5321 4.1.1.3 "RCPT TO:&lt;Postmaster&gt;", without a domain: the session names its own host. */
    Mailbox BARE_POSTMASTER = new Mailbox("postmaster", "");

    record Data() implements Command {}

    /** RFC 3030 CHUNKING. */
    record Bdat(long size, boolean last) implements Command {}

    record Rset() implements Command {
        @Override
        public boolean isJunk() {
            return true;
        }
    }

    record Noop() implements Command {
        @Override
        public boolean isJunk() {
            return true;
        }
    }

    record Quit() implements Command {}

    record Help() implements Command {
        @Override
        public boolean isJunk() {
            return true;
        }
    }

    record Vrfy() implements Command {
        @Override
        public boolean isJunk() {
            return true;
        }
    }

    record Expn() implements Command {
        @Override
        public boolean isJunk() {
            return true;
        }
    }

    record StartTls() implements Command {}

    /** RFC 4954 AUTH; {@code initialResponse} is null when absent. */
    record Auth(String mechanism, String initialResponse) implements Command {}

    /**
     * MAIL parameters: RFC 1870 SIZE (-1 when absent), RFC 6152 BODY, RFC 6531 SMTPUTF8 and the
     * RFC 3461 DSN parameters RET and ENVID (xtext as received).
     */
    record MailParameters(long size, BodyType body, boolean smtpUtf8, Optional<DsnReturn> ret, Optional<String> envelopeId) {
        public static final MailParameters NONE = new MailParameters(-1, BodyType.SEVEN_BIT, false, Optional.empty(), Optional.empty());
    }

    /** RFC 3461 RCPT parameters: NOTIFY keywords (none when absent) and ORCPT as received ("rfc822;" xtext). */
    record RcptParameters(Set<Notify> notifyOn, Optional<String> originalRecipient) {
        public RcptParameters {
            notifyOn = Set.copyOf(notifyOn);
        }

        public static final RcptParameters NONE = new RcptParameters(Set.of(), Optional.empty());
    }
}
