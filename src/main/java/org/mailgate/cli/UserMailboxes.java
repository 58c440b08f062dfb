package org.mailgate.cli;

import java.util.Optional;
import org.mailgate.auth.LocalDomains;
import org.mailgate.auth.User;
import org.mailgate.delivery.LocalMailboxes;

/** Delivery's view of the local domains and mailboxes, as the user directory and the config define them. */
public record UserMailboxes(LocalDomains local) implements LocalMailboxes {

    @Override
    public boolean isLocal(String domain) {
        return local.isLocal(domain);
    }

    @Override
    public Optional<String> mailboxOf(String address) {
        return local.recipient(address).map(User::address);
    }
}
