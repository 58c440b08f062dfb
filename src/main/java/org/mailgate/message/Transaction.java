package org.mailgate.message;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.mailgate.mail.Mailbox;

/**
 * One message, as the end-of-data checks and the modifiers see it.
 *
 * @param protocol the RFC 3848 / RFC 6531 "with" keyword (ESMTPSA, UTF8SMTPS, ...)
 * @param sender empty for the null reverse-path
 */
public record Transaction(String queueId, Instant arrival, Client client, String protocol, Optional<Mailbox> sender,
        List<Mailbox> recipients) {

    public Transaction {
        recipients = List.copyOf(recipients);
    }
}
