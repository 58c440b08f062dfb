package org.mailgate.cli;

import java.util.Optional;
import org.mailgate.auth.LocalDomains;
import org.mailgate.delivery.LocalMailboxes;
import org.mailgate.mail.Mailbox;

/** Delivery's view of the local domains and mailboxes, as the user directory and the config define them. */
public record UserMailboxes(LocalDomains local) implements LocalMailboxes {

    @Override
    public boolean isLocal(String domain) {
        return local.isLocal(domain);
    }

    @Override
    public Optional<Mailbox> mailboxOf(Mailbox address) {
        return local.recipient(address.toString()).map(user -> Mailbox.stored(user.address()));
    }
}
