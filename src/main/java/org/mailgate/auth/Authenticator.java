package org.mailgate.auth;

import java.time.Clock;
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
    private final Upgrade upgrade;

    /** Stores a user's new hash in place of the old one: how a legacy hash becomes Argon2id at a login. */
    @FunctionalInterface
    public interface Upgrade {
        void replace(User user, String newHash);
    }

    /** @param cacheTtl how long a successful login is remembered; zero disables the cache */
    public Authenticator(Supplier<UserDirectory> directory, PasswordHashes hashes, Duration cacheTtl, Clock clock) {
        this(directory, hashes, cacheTtl, clock, (user, hash) -> { });
    }

    /** As above; a login that matches a bcrypt or SHA-512-crypt hash hands {@code upgrade} an Argon2id hash of the password. */
    public Authenticator(Supplier<UserDirectory> directory, PasswordHashes hashes, Duration cacheTtl, Clock clock, Upgrade upgrade) {
        this.upgrade = upgrade;
        this.directory = directory;
        this.hashes = hashes;
        this.dummyHash = hashes.hash("mailgate-dummy-password");
        this.cache = new CredentialCache(cacheTtl, clock);
    }

    /** A reload's new auth-cache-ttl. */
    public void cacheTtl(Duration ttl) {
        cache.ttl(ttl);
    }

    /**
     * A login remembered from a recent success: a keyed hash, microseconds, safe on an event
     * loop. Empty means "check in full", never "wrong".
     */
    public Optional<User> remembered(String username, String password) {
        Optional<User> user = directory.get().login(username);
        return user.isPresent() && cache.enabled() && cache.matches(user.get(), password) ? user : Optional.empty();
    }

    public Optional<User> authenticate(String username, String password) {
        Optional<User> remembered = remembered(username, password);
        if (remembered.isPresent()) {
            return remembered;
        }
        Optional<User> user = directory.get().login(username);
        boolean valid = hashes.verify(password, user.map(User::passwordHash).orElse(dummyHash));
        if (!valid || user.isEmpty()) {
            return Optional.empty();
        }
        if (!PasswordHashes.isCurrent(user.get().passwordHash())) {
            // the password is in hand only now: an imported hash becomes today's at its first login
            upgrade.replace(user.get(), hashes.hash(password));
        }
        if (cache.enabled()) {
            cache.remember(user.get(), password);
        }
        return user;
    }
}
