package org.mailgate.delivery;

import java.util.Optional;
import org.mailgate.mail.Mailbox;

/**
 * Who receives mail here: the seam between delivery and the user directory, which delivery
 * does not know. The command that starts the server joins the two.
 */
public interface LocalMailboxes {

    /** Whether mail for this domain is ours to store, never to relay. */
    boolean isLocal(String domain);

    /** The mailbox (its user's address) that receives mail for {@code address}: itself or an alias of it. */
    Optional<Mailbox> mailboxOf(Mailbox address);
}
