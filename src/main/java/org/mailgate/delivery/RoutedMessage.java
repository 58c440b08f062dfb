package org.mailgate.delivery;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.mailgate.smtp.ClientDialogue;
import org.mailgate.spool.SpoolEnvelope;

/**
 * What one transport sends: the message's envelope, the recipients that go this way, and a way
 * to read the content from the spool.
 */
public record RoutedMessage(SpoolEnvelope envelope, List<SpoolEnvelope.Recipient> recipients, long size, Content content) {

    public RoutedMessage {
        recipients = List.copyOf(recipients);
    }

    /** Opens the queued content afresh each time it is read. */
    public interface Content {
        InputStream open() throws IOException;
    }

    /** The same message to other recipients (LMTP sends one per user). */
    RoutedMessage to(List<SpoolEnvelope.Recipient> others) {
        return new RoutedMessage(envelope, others, size, content);
    }

    /** The envelope as the client dialogue sends it. */
    ClientDialogue.Transaction transaction() {
        return new ClientDialogue.Transaction(envelope.sender(), size, envelope.body(), envelope.smtpUtf8(), envelope.ret(),
                envelope.envelopeId(), recipients.stream()
                        .map(r -> new ClientDialogue.Recipient(r.address(), r.notifyOn(), r.originalRecipient())).toList());
    }
}
