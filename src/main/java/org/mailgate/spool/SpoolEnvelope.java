package org.mailgate.spool;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.mailgate.mail.BodyType;
import org.mailgate.mail.DsnReturn;
import org.mailgate.mail.Mailbox;
import org.mailgate.mail.Notify;

/**
 * The envelope as the spool keeps it, typed; {@link EnvelopeCodec} alone knows its text form.
 *
 * @param clientAddress the client's address; empty for a message the server made itself (a notice)
 * @param authenticatedUser empty when the client did not authenticate
 * @param protocol the RFC 3848 / RFC 6531 "with" keyword of the Received field, or "LOCAL"
 * @param sender empty for the null reverse-path
 * @param envelopeId RFC 3461 ENVID as xtext
 * @param folder the mailbox folder local delivery files it in ("Junk" for a DMARC quarantine); empty for the inbox
 */
public record SpoolEnvelope(
        String id,
        Instant arrival,
        Optional<String> clientAddress,
        String helo,
        Optional<String> authenticatedUser,
        String protocol,
        Optional<Mailbox> sender,
        BodyType body,
        boolean smtpUtf8,
        Optional<DsnReturn> ret,
        Optional<String> envelopeId,
        List<Recipient> recipients,
        Optional<String> folder) {

    public SpoolEnvelope {
        recipients = List.copyOf(recipients);
    }

    /** A message the server makes itself (a delivery status notice): from the null sender, to one recipient. */
    public static SpoolEnvelope notice(String id, Instant arrival, String hostname, Mailbox to, BodyType body, boolean smtpUtf8) {
        return new SpoolEnvelope(id, arrival, Optional.empty(), hostname, Optional.empty(), "LOCAL", Optional.empty(), body, smtpUtf8,
                Optional.empty(), Optional.empty(), List.of(Recipient.of(to)), Optional.empty());
    }

    public SpoolEnvelope withFolder(Optional<String> replacement) {
        return new SpoolEnvelope(id, arrival, clientAddress, helo, authenticatedUser, protocol, sender, body, smtpUtf8, ret, envelopeId,
                recipients, replacement);
    }

    /** @param originalRecipient RFC 3461 ORCPT as received: "rfc822;" and xtext */
    public record Recipient(Mailbox address, Set<Notify> notifyOn, Optional<String> originalRecipient) {
        public Recipient {
            notifyOn = Set.copyOf(notifyOn);
        }

        /** A recipient with no DSN parameters. */
        public static Recipient of(Mailbox address) {
            return new Recipient(address, Set.of(), Optional.empty());
        }
    }
}
