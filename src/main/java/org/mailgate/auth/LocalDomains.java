package org.mailgate.auth;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Which mail is ours to store: a domain is local when the config names it, a user has an address
 * in it, or it is our own host name (mail for it must not be relayed back to us). And who
 * receives each local address: its owner (the user, or the user with it as an alias), else, for
 * postmaster@ any local domain (RFC 5321 4.5.1: every domain must have one), the configured
 * postmaster or, without one, the first user.
 *
 * @param postmaster the config's postmaster address, or null for the first user
 */
public record LocalDomains(Set<String> configured, String hostname, String postmaster, Supplier<UserDirectory> users) {

    public LocalDomains {
        configured = Set.copyOf(configured);
    }

    public boolean isLocal(String domain) {
        String d = domain.toLowerCase(Locale.ROOT);
        return configured.contains(d) || d.equals(hostname) || users.get().domains().contains(d);
    }

    /** RFC 5321 4.5.1: the local part "postmaster" is matched without regard to case. */
    public static boolean isPostmaster(String localPart) {
        return localPart.equalsIgnoreCase("postmaster");
    }

    /** The user whose mailbox receives mail for {@code address} (local@domain, the domain local). */
    public Optional<User> recipient(String address) {
        UserDirectory directory = users.get();
        Optional<User> owner = directory.owner(address);
        if (owner.isPresent() || !isPostmaster(address.substring(0, address.lastIndexOf('@')))) {
            return owner;
        }
        return postmasterMailbox();
    }

    /** Where postmaster mail goes now: the configured address's owner, or the first user; empty when there is none. */
    public Optional<User> postmasterMailbox() {
        UserDirectory directory = users.get();
        if (postmaster != null) {
            return directory.owner(postmaster);
        }
        return directory.users().stream().findFirst();
    }
}
