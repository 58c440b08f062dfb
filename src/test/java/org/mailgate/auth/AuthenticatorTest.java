package org.mailgate.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.mailgate.testing.ManualClock;

class AuthenticatorTest {
    private final PasswordHashes hashes = new PasswordHashes();
    private final AtomicReference<UserDirectory> directory = new AtomicReference<>(
            new UserDirectory(List.of(new User("alice@example.com", hashes.hash("secret"), List.of(), false))));
    private final ManualClock clock = new ManualClock();

    @Test
    void knownUserRightPassword() {
        Authenticator auth = new Authenticator(directory::get, hashes, Duration.ZERO, clock);
        assertThat(auth.authenticate("Alice@Example.com", "secret")).get().extracting(User::address).isEqualTo("alice@example.com");
        assertThat(auth.authenticate("alice@example.com", "wrong")).isEmpty();
        assertThat(auth.authenticate("nobody@example.com", "secret")).isEmpty();
    }

    @Test
    void cachedLoginIsRememberedUntilItsTtlAndEndsWithAPasswordChange() {
        Authenticator auth = new Authenticator(directory::get, hashes, Duration.ofHours(1), clock);
        assertThat(auth.remembered("alice@example.com", "secret")).as("nothing remembered before a login").isEmpty();
        assertThat(auth.authenticate("alice@example.com", "secret")).isPresent();
        assertThat(auth.remembered("alice@example.com", "secret")).as("remembered: no hash on the next login").isPresent();
        assertThat(auth.remembered("alice@example.com", "Secret")).isEmpty();
        assertThat(auth.authenticate("alice@example.com", "Secret")).isEmpty();
        clock.advance(Duration.ofMinutes(61));
        assertThat(auth.remembered("alice@example.com", "secret")).as("forgotten after the TTL").isEmpty();
        assertThat(auth.authenticate("alice@example.com", "secret")).isPresent();

        directory.set(new UserDirectory(List.of(new User("alice@example.com", hashes.hash("changed"), List.of(), false))));
        assertThat(auth.authenticate("alice@example.com", "secret")).as("old password after a change").isEmpty();
        assertThat(auth.authenticate("alice@example.com", "changed")).isPresent();
    }

    @Test
    void removedUserIsNotServedFromTheCache() {
        Authenticator auth = new Authenticator(directory::get, hashes, Duration.ofHours(1), clock);
        assertThat(auth.authenticate("alice@example.com", "secret")).isPresent();
        directory.set(UserDirectory.EMPTY);
        assertThat(auth.authenticate("alice@example.com", "secret")).isEmpty();
    }
}
