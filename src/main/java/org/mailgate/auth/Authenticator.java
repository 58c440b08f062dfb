package org.mailgate.auth;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * Checks credentials. Blocking (a password hash costs tens of milliseconds): call it off the
 * event loops. An unknown user costs the same hash as a known one, so timing reveals nothing.
 */
public final class Authenticator {
    private final Supplier<UserDirectory> directory;
    private final PasswordHashes hashes;
    private final String dummyHash;

    public Authenticator(Supplier<UserDirectory> directory, PasswordHashes hashes) {
        this.directory = directory;
        this.hashes = hashes;
        this.dummyHash = hashes.hash("mailgate-dummy-password");
    }

    public Optional<User> authenticate(String username, String password) {
        Optional<User> user = directory.get().login(username);
        boolean valid = hashes.verify(password, user.map(User::passwordHash).orElse(dummyHash));
        return valid ? user : Optional.empty();
    }
}
