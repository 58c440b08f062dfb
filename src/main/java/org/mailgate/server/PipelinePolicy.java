package org.mailgate.server;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.LongPredicate;
import org.mailgate.mail.Mailbox;
import org.mailgate.mail.Refusal;
import org.mailgate.message.Client;
import org.mailgate.message.Examiner;
import org.mailgate.message.MessagePipeline;
import org.mailgate.smtp.MailPolicy;

/**
 * The session's MAIL and RCPT checks, answered by the listener's pipeline for one client. A
 * MAIL that passes opens the pipeline's examiners on the transaction (SPF starts there, on
 * {@code work}); its message takes them up from {@link #envelopes}. Used on the event loop only.
 */
final class PipelinePolicy implements MailPolicy {
    private final MessagePipeline pipeline;
    private final String clientAddress;
    private final Executor work;
    private final LongPredicate fits;
    private List<Examiner.Envelope> envelopes = List.of();

    /** @param fits whether a message of the declared size fits in the spool's free space (0: none declared) */
    PipelinePolicy(MessagePipeline pipeline, String clientAddress, Executor work, LongPredicate fits) {
        this.pipeline = pipeline;
        this.clientAddress = clientAddress;
        this.work = work;
        this.fits = fits;
    }

    @Override
    public Optional<Refusal> checkSender(String helo, String authenticatedUser, Mailbox sender, long declaredSize) {
        if (!fits.test(declaredSize)) {
            return Optional.of(Refusal.INSUFFICIENT_STORAGE); // RFC 1870 6.1: 452 for a lack of space that may pass
        }
        Client client = client(helo, authenticatedUser);
        Optional<Refusal> refusal = pipeline.checkSender(client, Optional.ofNullable(sender));
        if (refusal.isEmpty()) {
            envelopes = pipeline.open(client, Optional.ofNullable(sender), work); // the session accepts MAIL when its checks pass
        }
        return refusal;
    }

    @Override
    public Optional<Refusal> checkRecipient(String helo, String authenticatedUser, Mailbox recipient, int accepted) {
        return pipeline.checkRecipient(client(helo, authenticatedUser), recipient, accepted);
    }

    /** What the examiners opened at the last accepted MAIL: the transaction whose message begins. */
    List<Examiner.Envelope> envelopes() {
        return envelopes;
    }

    private Client client(String helo, String authenticatedUser) {
        return new Client(clientAddress, helo, Optional.ofNullable(authenticatedUser));
    }
}
