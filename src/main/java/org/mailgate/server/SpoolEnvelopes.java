package org.mailgate.server;

import java.time.Instant;
import java.util.List;
import org.mailgate.smtp.Command;
import org.mailgate.smtp.Envelope;
import org.mailgate.spool.SpoolEnvelope;

/** Maps the protocol's envelope to the spool's. */
final class SpoolEnvelopes {
    private SpoolEnvelopes() {}

    static SpoolEnvelope of(Envelope e, String id, Instant arrival, String client) {
        Command.MailParameters p = e.parameters();
        List<SpoolEnvelope.Recipient> recipients = e.recipients().stream()
                .map(r -> new SpoolEnvelope.Recipient(r.address().toString(),
                        String.join(",", r.parameters().notifyOn().stream().sorted().toList()),
                        r.parameters().originalRecipient() == null ? "" : r.parameters().originalRecipient()))
                .toList();
        return new SpoolEnvelope(id, arrival, client, e.helo(),
                e.authenticatedUser() == null ? "" : e.authenticatedUser(), e.protocol(),
                e.sender() == null ? "" : e.sender().toString(),
                p.body() == Command.BodyType.EIGHT_BIT_MIME ? "8BITMIME" : "7BIT", p.smtpUtf8(),
                p.ret() == null ? "" : p.ret(), p.envelopeId() == null ? "" : p.envelopeId(), recipients);
    }
}
