package org.mailgate.cli;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.mailgate.auth.User;
import org.mailgate.auth.UserDirectory;
import org.mailgate.delivery.LocalMailboxes;

/**
 * The local mailboxes as the user directory defines them: a domain is local when the config names
 * it or a user has an address in it (as the inbound listener decides), and an address reaches the
 * user who owns it or has it as an alias.
 */
public record UserMailboxes(Set<String> configuredDomains, Supplier<UserDirectory> users) implements LocalMailboxes {

    public UserMailboxes {
        configuredDomains = Set.copyOf(configuredDomains);
    }

    @Override
    public boolean isLocal(String domain) {
        String d = domain.toLowerCase(Locale.ROOT);
        return configuredDomains.contains(d) || users.get().domains().contains(d);
    }

    @Override
    public Optional<String> mailboxOf(String address) {
        return users.get().owner(address).map(User::address);
    }
}
