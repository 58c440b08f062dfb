package org.mailgate.smtp;

import java.util.List;
import org.mailgate.mail.Mailbox;
import org.mailgate.smtp.Command.MailParameters;
import org.mailgate.smtp.Command.RcptParameters;

/**
 * The envelope of one accepted transaction. {@code sender} is null for the null reverse-path;
 * {@code authenticatedUser} is null when the client did not authenticate; {@code protocol} is
 * the RFC 3848 / RFC 6531 "with" keyword for the Received header.
 */
public record Envelope(
        String helo,
        String authenticatedUser,
        String protocol,
        Mailbox sender,
        MailParameters parameters,
        List<Recipient> recipients) {

    public Envelope {
        recipients = List.copyOf(recipients);
    }

    public record Recipient(Mailbox address, RcptParameters parameters) {}
}
