package org.mailgate.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class AuthenticatorTest {
    private final PasswordHashes hashes = new PasswordHashes();
    private final AtomicReference<UserDirectory> directory = new AtomicReference<>(
            new UserDirectory(List.of(new User("alice@example.com", hashes.hash("secret"), List.of(), false))));

    @Test
    void knownUserRightPassword() {
        Authenticator auth = new Authenticator(directory::get, hashes, Duration.ZERO);
        assertThat(auth.authenticate("Alice@Example.com", "secret")).get().extracting(User::address).isEqualTo("alice@example.com");
        assertThat(auth.authenticate("alice@example.com", "wrong")).isEmpty();
        assertThat(auth.authenticate("nobody@example.com", "secret")).isEmpty();
    }

    @Test
    void cachedLoginIsFastAndEndsWithAPasswordChange() {
        Authenticator auth = new Authenticator(directory::get, hashes, Duration.ofHours(1));
        assertThat(auth.authenticate("alice@example.com", "secret")).isPresent();
        long start = System.nanoTime();
        for (int i = 0; i < 100; i++) {
            assertThat(auth.authenticate("alice@example.com", "secret")).isPresent();
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1)); // 100 hashes would take several
        assertThat(auth.authenticate("alice@example.com", "Secret")).isEmpty();

        directory.set(new UserDirectory(List.of(new User("alice@example.com", hashes.hash("changed"), List.of(), false))));
        assertThat(auth.authenticate("alice@example.com", "secret")).as("old password after a change").isEmpty();
        assertThat(auth.authenticate("alice@example.com", "changed")).isPresent();
    }

    @Test
    void removedUserIsNotServedFromTheCache() {
        Authenticator auth = new Authenticator(directory::get, hashes, Duration.ofHours(1));
        assertThat(auth.authenticate("alice@example.com", "secret")).isPresent();
        directory.set(UserDirectory.EMPTY);
        assertThat(auth.authenticate("alice@example.com", "secret")).isEmpty();
    }
}
