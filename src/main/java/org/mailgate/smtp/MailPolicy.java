package org.mailgate.smtp;

import java.util.Optional;
import org.mailgate.mail.Mailbox;
import org.mailgate.mail.Refusal;

/** The checks a session asks of policy while building an envelope. They must not block. */
public interface MailPolicy {

    /**
     * @param helo the name the client gave in EHLO or HELO
     * @param authenticatedUser null when the client has not authenticated
     * @param sender null for the null reverse-path
     * @param declaredSize MAIL's SIZE parameter (RFC 1870), 0 when the client gave none
     */
    Optional<Refusal> checkSender(String helo, String authenticatedUser, Mailbox sender, long declaredSize);

    /** @param accepted recipients already accepted for this message */
    Optional<Refusal> checkRecipient(String helo, String authenticatedUser, Mailbox recipient, int accepted);
}
