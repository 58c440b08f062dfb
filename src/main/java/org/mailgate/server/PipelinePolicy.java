package org.mailgate.server;

import java.util.Optional;
import org.mailgate.mail.Mailbox;
import org.mailgate.mail.Refusal;
import org.mailgate.message.Client;
import org.mailgate.message.MessagePipeline;
import org.mailgate.smtp.MailPolicy;

/** The session's MAIL and RCPT checks, answered by the listener's pipeline for one client. */
record PipelinePolicy(MessagePipeline pipeline, String clientAddress) implements MailPolicy {

    @Override
    public Optional<Refusal> checkSender(String helo, String authenticatedUser, Mailbox sender) {
        return pipeline.checkSender(client(helo, authenticatedUser), Optional.ofNullable(sender));
    }

    @Override
    public Optional<Refusal> checkRecipient(String helo, String authenticatedUser, Mailbox recipient, int accepted) {
        return pipeline.checkRecipient(client(helo, authenticatedUser), recipient, accepted);
    }

    private Client client(String helo, String authenticatedUser) {
        return new Client(clientAddress, helo, Optional.ofNullable(authenticatedUser));
    }
}
