package org.mailgate.server;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.mailgate.smtp.Command;
import org.mailgate.smtp.Envelope;
import org.mailgate.spool.SpoolEnvelope;

/** Maps the protocol's envelope to the spool's. */
final class SpoolEnvelopes {
    private SpoolEnvelopes() {}

    static SpoolEnvelope of(Envelope e, String id, Instant arrival, String client) {
        Command.MailParameters p = e.parameters();
        List<SpoolEnvelope.Recipient> recipients = e.recipients().stream()
                .map(r -> new SpoolEnvelope.Recipient(r.address(), r.parameters().notifyOn(), r.parameters().originalRecipient()))
                .toList();
        return new SpoolEnvelope(id, arrival, Optional.of(client), e.helo(), Optional.ofNullable(e.authenticatedUser()), e.protocol(),
                Optional.ofNullable(e.sender()), p.body(), p.smtpUtf8(), p.ret(), p.envelopeId(), recipients, Optional.empty());
    }
}
