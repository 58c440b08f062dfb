package org.mailgate.message;

import java.util.Optional;
import org.mailgate.mail.Mailbox;
import org.mailgate.mail.Refusal;

/**
 * A step of the pipeline that may refuse: at MAIL, at each RCPT, or at the end of the data with
 * the header section. Each stage answers with the first refusal, or nothing; a check takes only
 * the stages it needs. The MAIL and RCPT stages run on the connection's event loop and must not
 * block; the end of data runs off it.
 */
public interface Check {

    /** @param sender empty for the null reverse-path */
    default Optional<Refusal> checkSender(Client client, Optional<Mailbox> sender) {
        return Optional.empty();
    }

    /** @param accepted recipients already accepted for this message */
    default Optional<Refusal> checkRecipient(Client client, Mailbox recipient, int accepted) {
        return Optional.empty();
    }

    /** @param header the message's own header section, as every reader sees it */
    default Optional<Refusal> checkMessage(Transaction transaction, HeaderSection header) {
        return Optional.empty();
    }
}
