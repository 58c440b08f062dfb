package org.mailgate.auth;

import java.util.List;
import java.util.Locale;

/**
 * A user: the login address, its password hash, further addresses it owns (an address, or
 * "@domain" for a whole domain), and whether it may send as any address.
 */
public record User(String address, String passwordHash, List<String> aliases, boolean anySender) {

    public User {
        address = normalize(address);
        aliases = aliases.stream().map(User::normalize).distinct().toList();
    }

    public static String normalize(String address) {
        return address.strip().toLowerCase(Locale.ROOT);
    }

    public User withPasswordHash(String hash) {
        return new User(address, hash, aliases, anySender);
    }

    public User withAliases(List<String> replacement) {
        return new User(address, passwordHash, replacement, anySender);
    }

    public User withAnySender(boolean any) {
        return new User(address, passwordHash, aliases, any);
    }

    /** The domain part of the login address. */
    public String domain() {
        return address.substring(address.lastIndexOf('@') + 1);
    }
}
