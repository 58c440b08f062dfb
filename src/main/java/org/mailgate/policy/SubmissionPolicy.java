package org.mailgate.policy;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.mailgate.auth.LocalDomains;
import org.mailgate.auth.User;
import org.mailgate.auth.UserDirectory;
import org.mailgate.config.AddressLiteral;
import org.mailgate.mail.Mailbox;
import org.mailgate.mail.Refusal;
import org.mailgate.message.Check;
import org.mailgate.message.Client;
import org.mailgate.message.HeaderSection;
import org.mailgate.message.Transaction;

/**
 * Submission (RFC 6409): an authenticated user may send to anyone, but only as an address
 * they own, in the envelope and in the From and Sender headers, unless their account allows any
 * sender; no more than the sending limits allow; not to an address of our own domains that
 * nobody has (refused at RCPT, as the inbound listener does, rather than bounced later); and not
 * to an address literal inside the server's own networks (the server would connect there on the
 * user's behalf), unless the config allows it.
 */
public final class SubmissionPolicy implements Check {
    private final LocalDomains local;
    private final SendingLimits limits;
    private final boolean allowPrivateLiterals;

    public SubmissionPolicy(LocalDomains local, SendingLimits limits, boolean allowPrivateLiterals) {
        this.local = local;
        this.limits = limits;
        this.allowPrivateLiterals = allowPrivateLiterals;
    }

    @Override
    public Optional<Refusal> checkSender(Client client, Optional<Mailbox> sender) {
        if (client.authenticatedUser().isEmpty()) {
            return Optional.of(Refusal.AUTH_REQUIRED);
        }
        String user = client.authenticatedUser().get();
        if (!mayUse(user, sender.map(Mailbox::toString).stream().toList())) {
            return Optional.of(Refusal.SENDER_NOT_OWNED);
        }
        return limits.checkMessage(user);
    }

    @Override
    public Optional<Refusal> checkRecipient(Client client, Mailbox recipient, int accepted) {
        if (recipient.isAddressLiteral()) {
            Optional<InetAddress> address = AddressLiteral.parse(recipient.domain());
            if (address.isEmpty()) {
                return Optional.of(Refusal.ADDRESS_SYNTAX); // a general literal ("[tag:...]") reaches no one
            }
            if (!allowPrivateLiterals && AddressLiteral.isInternal(address.get())) {
                return Optional.of(Refusal.INTERNAL_ADDRESS_LITERAL);
            }
        } else if (local.isLocal(recipient.domain())) {
            Optional<Refusal> unknown = InboundPolicy.knownHere(local, recipient);
            if (unknown.isPresent()) {
                return unknown;
            }
        }
        return limits.checkRecipient(client.authenticatedUser().orElse(null), accepted);
    }

    /**
     * RFC 6409 8: the From header must name only addresses the user owns, and so must a Sender
     * header: a reader shows either as who the message is from. A header section readers would
     * read differently is refused rather than checked one way.
     */
    @Override
    public Optional<Refusal> checkMessage(Transaction transaction, HeaderSection header) {
        Optional<HeaderSection.Authors> authors = header.authors();
        if (authors.isEmpty()) {
            return Optional.of(Refusal.HEADER_AMBIGUOUS);
        }
        String user = transaction.client().authenticatedUser().orElse(null);
        if (!mayUse(user, authors.get().from())) {
            return Optional.of(Refusal.HEADER_FROM_NOT_OWNED);
        }
        if (!authors.get().sender().isEmpty() && !mayUse(user, authors.get().sender())) {
            return Optional.of(Refusal.HEADER_SENDER_NOT_OWNED);
        }
        return Optional.empty();
    }

    private boolean mayUse(String login, List<String> addresses) {
        UserDirectory users = local.users().get();
        Optional<User> user = login == null ? Optional.empty() : users.login(login);
        if (user.isEmpty()) {
            return false; // removed since it authenticated
        }
        if (user.get().anySender()) {
            return true;
        }
        // The null sender is for bounces, which users do not submit; a message needs a From.
        if (addresses.isEmpty()) {
            return false;
        }
        return addresses.stream().allMatch(address -> users.owns(user.get(), address));
    }
}
