package org.mailgate.auth;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Checks credentials. Blocking and CPU-heavy (an Argon2id hash costs tens of milliseconds):
 * call it on a bounded pool off the event loops. An unknown user costs the same hash as a
 * wrong password, so timing reveals nothing about which users exist.
 */
public final class Authenticator {
    private final Supplier<UserDirectory> directory;
    private final PasswordHashes hashes;
    private final String dummyHash;
    private final CredentialCache cache;

    /** @param cacheTtl how long a successful login is remembered; zero disables the cache */
    public Authenticator(Supplier<UserDirectory> directory, PasswordHashes hashes, Duration cacheTtl) {
        this.directory = directory;
        this.hashes = hashes;
        this.dummyHash = hashes.hash("mailgate-dummy-password");
        this.cache = new CredentialCache(cacheTtl);
    }

    public Optional<User> authenticate(String username, String password) {
        Optional<User> user = directory.get().login(username);
        if (user.isPresent() && cache.enabled() && cache.matches(user.get(), password)) {
            return user;
        }
        boolean valid = hashes.verify(password, user.map(User::passwordHash).orElse(dummyHash));
        if (!valid || user.isEmpty()) {
            return Optional.empty();
        }
        if (cache.enabled()) {
            cache.remember(user.get(), password);
        }
        return user;
    }
}
