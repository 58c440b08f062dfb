package org.mailgate.policy;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.mailgate.auth.User;
import org.mailgate.auth.UserDirectory;
import org.mailgate.config.AddressLiteral;
import org.mailgate.smtp.MailPolicy;
import org.mailgate.mail.Mailbox;
import org.mailgate.mail.Refusal;

/**
 * Submission (RFC 6409): an authenticated user may send to anyone, but only as an address
 * they own, in the envelope and in the From header, unless their account allows any sender;
 * no more than the sending limits allow; and not to an address literal inside the server's own
 * networks (the server would connect there on the user's behalf), unless the config allows it.
 */
public final class SubmissionPolicy implements MailPolicy {
    private final Supplier<UserDirectory> directory;
    private final SendingLimits limits;
    private final boolean allowPrivateLiterals;

    public SubmissionPolicy(Supplier<UserDirectory> directory, SendingLimits limits, boolean allowPrivateLiterals) {
        this.directory = directory;
        this.limits = limits;
        this.allowPrivateLiterals = allowPrivateLiterals;
    }

    @Override
    public Optional<Refusal> checkSender(String authenticatedUser, Mailbox sender) {
        if (authenticatedUser == null) {
            return Optional.of(Refusal.AUTH_REQUIRED);
        }
        if (!mayUse(authenticatedUser, sender == null ? List.of() : List.of(sender.toString()))) {
            return Optional.of(Refusal.SENDER_NOT_OWNED);
        }
        return limits.checkMessage(authenticatedUser);
    }

    @Override
    public Optional<Refusal> checkRecipient(String authenticatedUser, Mailbox recipient, int accepted) {
        if (recipient.isAddressLiteral()) {
            Optional<InetAddress> address = AddressLiteral.parse(recipient.domain());
            if (address.isEmpty()) {
                return Optional.of(Refusal.ADDRESS_SYNTAX); // a general literal ("[tag:...]") reaches no one
            }
            if (!allowPrivateLiterals && AddressLiteral.isInternal(address.get())) {
                return Optional.of(Refusal.INTERNAL_ADDRESS_LITERAL);
            }
        }
        return limits.checkRecipient(authenticatedUser, accepted);
    }

    /**
     * RFC 6409 8: the From header must name only addresses the user owns, and so must a Sender
     * header: a reader shows either as who the message is from.
     */
    public Optional<Refusal> checkHeaderAuthors(String authenticatedUser, List<String> from, List<String> sender) {
        if (!mayUse(authenticatedUser, from)) {
            return Optional.of(Refusal.HEADER_FROM_NOT_OWNED);
        }
        if (!sender.isEmpty() && !mayUse(authenticatedUser, sender)) {
            return Optional.of(Refusal.HEADER_SENDER_NOT_OWNED);
        }
        return Optional.empty();
    }

    private boolean mayUse(String login, List<String> addresses) {
        UserDirectory users = directory.get();
        Optional<User> user = users.login(login);
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
