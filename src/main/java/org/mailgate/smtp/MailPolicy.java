package org.mailgate.smtp;

import org.mailgate.mail.Mailbox;
import org.mailgate.mail.Refusal;
import java.util.Optional;

/** The checks a session asks of policy while building an envelope. They must not block. */
public interface MailPolicy {

    /** @param authenticatedUser null when the client has not authenticated */
    Optional<Refusal> checkSender(String authenticatedUser, Mailbox sender);

    /** @param accepted recipients already accepted for this message */
    Optional<Refusal> checkRecipient(String authenticatedUser, Mailbox recipient, int accepted);
}
