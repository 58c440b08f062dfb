package org.mailgate.policy;

import java.util.Optional;
import org.mailgate.auth.LocalDomains;
import org.mailgate.mail.Mailbox;
import org.mailgate.mail.Refusal;
import org.mailgate.message.Check;
import org.mailgate.message.Client;

/**
 * The MX-style listener: mail only for existing users of local domains, and for their
 * postmaster (RFC 5321 4.5.1: accepted whether or not a user has that address); never a relay.
 */
public final class InboundPolicy implements Check {
    private final LocalDomains local;

    public InboundPolicy(LocalDomains local) {
        this.local = local;
    }

    @Override
    public Optional<Refusal> checkRecipient(Client client, Mailbox recipient, int accepted) {
        // An address literal is never one of our domains: relaying by IP is what scanners try.
        if (recipient.isAddressLiteral() || !local.isLocal(recipient.domain())) {
            return Optional.of(Refusal.RELAY_DENIED);
        }
        return knownHere(local, recipient);
    }

    /**
     * A recipient in one of our domains: someone's address, or postmaster; else 550 5.1.1, on
     * every listener, so nothing is accepted that would only bounce.
     */
    static Optional<Refusal> knownHere(LocalDomains local, Mailbox recipient) {
        // Local parts that route elsewhere in old conventions (percent hack, bang paths, a quoted
        // "user@other") are nobody here: refused, never forwarded.
        if (recipient.isQuoted() || recipient.localPart().matches(".*[%!@].*")) {
            return Optional.of(Refusal.UNKNOWN_USER);
        }
        if (LocalDomains.isPostmaster(recipient.localPart())) {
            return Optional.empty();
        }
        return local.users().get().owner(recipient.toString()).isPresent() ? Optional.empty() : Optional.of(Refusal.UNKNOWN_USER);
    }
}
