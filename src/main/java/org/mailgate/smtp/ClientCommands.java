package org.mailgate.smtp;

import java.util.Optional;
import java.util.Set;
import org.mailgate.mail.BodyType;
import org.mailgate.mail.DsnReturn;
import org.mailgate.mail.Mailbox;
import org.mailgate.mail.Notify;

/**
 * The command lines a client sends for one message, with the parameters of the extensions the
 * server offered: SIZE (RFC 1870), BODY (RFC 6152), SMTPUTF8 (RFC 6531), RET, ENVID, NOTIFY and
 * ORCPT (RFC 3461, only where DSN is offered). ENVID and ORCPT arrive in their wire form (xtext).
 */
public final class ClientCommands {
    private ClientCommands() {}

    /** @param sender empty for the null reverse-path */
    public static String mailFrom(Extensions offered, Optional<Mailbox> sender, long size, BodyType body, boolean smtpUtf8,
            Optional<DsnReturn> ret, Optional<String> envelopeId) {
        boolean dsn = offered.has("DSN");
        return "MAIL FROM:<" + sender.map(Mailbox::toString).orElse("") + ">"
                + (offered.has("SIZE") ? " SIZE=" + size : "")
                + (body == BodyType.EIGHT_BIT_MIME ? " BODY=8BITMIME" : "")
                + (smtpUtf8 ? " SMTPUTF8" : "")
                + (dsn && ret.isPresent() ? " RET=" + ret.get().keyword() : "")
                + (dsn && envelopeId.isPresent() ? " ENVID=" + envelopeId.get() : "");
    }

    public static String rcptTo(Extensions offered, Mailbox recipient, Set<Notify> notify, Optional<String> originalRecipient) {
        boolean dsn = offered.has("DSN");
        return "RCPT TO:<" + recipient + ">"
                + (dsn && !notify.isEmpty() ? " NOTIFY=" + Notify.keywords(notify) : "")
                + (dsn && originalRecipient.isPresent() ? " ORCPT=" + originalRecipient.get() : "");
    }
}
