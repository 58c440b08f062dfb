package org.mailgate.spool;

import java.time.Instant;
import java.util.List;

/**
 * The envelope as the spool keeps it, in the wire forms of the protocol.
 *
 * @param sender the reverse-path without brackets, empty for the null sender
 * @param authenticatedUser empty when the client did not authenticate
 * @param body "7BIT" or "8BITMIME"
 * @param ret RFC 3461 RET ("FULL", "HDRS") or empty
 * @param envelopeId RFC 3461 ENVID as xtext, or empty
 */
public record SpoolEnvelope(
        String id,
        Instant arrival,
        String clientAddress,
        String helo,
        String authenticatedUser,
        String protocol,
        String sender,
        String body,
        boolean smtpUtf8,
        String ret,
        String envelopeId,
        List<Recipient> recipients) {

    public SpoolEnvelope {
        recipients = List.copyOf(recipients);
    }

    /** @param notifyOn RFC 3461 NOTIFY keywords joined by commas, or empty; @param originalRecipient ORCPT or empty */
    public record Recipient(String address, String notifyOn, String originalRecipient) {}
}
