package org.mailgate.policy;

import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.mailgate.auth.UserDirectory;
import org.mailgate.smtp.MailPolicy;
import org.mailgate.smtp.Mailbox;
import org.mailgate.smtp.Refusal;

/**
 * The MX-style listener: mail only for existing users of local domains, never a relay.
 * A domain is local when the config names it or a user has an address in it.
 */
public final class InboundPolicy implements MailPolicy {
    private final Set<String> configuredDomains;
    private final Supplier<UserDirectory> directory;

    public InboundPolicy(Set<String> configuredDomains, Supplier<UserDirectory> directory) {
        this.configuredDomains = Set.copyOf(configuredDomains);
        this.directory = directory;
    }

    @Override
    public Optional<Refusal> checkSender(String authenticatedUser, Mailbox sender) {
        return Optional.empty();
    }

    @Override
    public Optional<Refusal> checkRecipient(String authenticatedUser, Mailbox recipient, int accepted) {
        UserDirectory users = directory.get();
        // An address literal is never one of our domains: relaying by IP is what scanners try.
        if (recipient.isAddressLiteral()
                || !configuredDomains.contains(recipient.domain()) && !users.domains().contains(recipient.domain())) {
            return Optional.of(Refusal.RELAY_DENIED);
        }
        // Local parts that route elsewhere in old conventions (percent hack, bang paths, a quoted
        // "user@other") are nobody here: refused, never forwarded.
        if (recipient.isQuoted() || recipient.localPart().matches(".*[%!@].*")) {
            return Optional.of(Refusal.UNKNOWN_USER);
        }
        return users.owner(recipient.toString()).isPresent() ? Optional.empty() : Optional.of(Refusal.UNKNOWN_USER);
    }
}
