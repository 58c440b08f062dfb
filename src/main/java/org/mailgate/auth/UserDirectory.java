package org.mailgate.auth;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** An immutable snapshot of the users, indexed for the lookups SMTP sessions make. */
public final class UserDirectory {
    public static final UserDirectory EMPTY = new UserDirectory(List.of());

    private final List<User> users;
    private final Map<String, User> byLogin = new HashMap<>();
    private final Map<String, User> byAddress = new HashMap<>();
    private final Map<String, User> byDomain = new HashMap<>();
    private final Set<String> domains = new HashSet<>();

    public UserDirectory(List<User> users) {
        this.users = List.copyOf(users);
        for (User user : users) {
            byLogin.put(user.address(), user);
            byAddress.putIfAbsent(user.address(), user);
            domains.add(user.domain());
            for (String alias : user.aliases()) {
                if (alias.startsWith("@")) {
                    byDomain.putIfAbsent(alias.substring(1), user);
                    domains.add(alias.substring(1));
                } else {
                    byAddress.putIfAbsent(alias, user);
                    domains.add(alias.substring(alias.lastIndexOf('@') + 1));
                }
            }
        }
    }

    public List<User> users() {
        return users;
    }

    public Optional<User> login(String address) {
        return Optional.ofNullable(byLogin.get(User.normalize(address)));
    }

    /** The user who receives mail for {@code address}: an exact address or alias, else a domain alias. */
    public Optional<User> owner(String address) {
        String normalized = User.normalize(address);
        User exact = byAddress.get(normalized);
        if (exact != null) {
            return Optional.of(exact);
        }
        return Optional.ofNullable(byDomain.get(normalized.substring(normalized.lastIndexOf('@') + 1)));
    }

    public boolean owns(User user, String address) {
        return owner(address).map(owner -> owner.address().equals(user.address())).orElse(false);
    }

    /** The domains users have addresses in. */
    public Set<String> domains() {
        return Set.copyOf(domains);
    }
}
