package org.mailgate.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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

    @Test
    void anImportedHashBecomesArgon2idAtTheFirstLoginAndTheRestOfTheUserStays(@TempDir Path dir) throws Exception {
        UserFile file = new UserFile(dir);
        // the reference vector of the SHA-crypt specification, as Dovecot's passwd-file has it
        String imported = "{SHA512-CRYPT}$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1";
        file.update(users -> List.of(new User("old@example.com", imported, List.of("alias@example.com"), true)));
        LiveUserDirectory users = new LiveUserDirectory(file);
        Authenticator auth = new Authenticator(users, hashes, Duration.ZERO, clock, users::upgrade);

        assertThat(auth.authenticate("old@example.com", "Hello world!")).isPresent();
        User upgraded = file.read().get(0);
        assertThat(upgraded.passwordHash()).startsWith("$argon2id$");
        assertThat(upgraded.aliases()).containsExactly("alias@example.com");
        assertThat(upgraded.anySender()).isTrue();
        assertThat(users.get().users().get(0).passwordHash()).as("the running directory reads it at once").isEqualTo(upgraded.passwordHash());
        assertThat(auth.authenticate("old@example.com", "Hello world!")).as("the same password, the new hash").isPresent();
        assertThat(file.read().get(0).passwordHash()).as("an Argon2id hash is not re-hashed again").isEqualTo(upgraded.passwordHash());
        assertThat(auth.authenticate("old@example.com", "wrong")).isEmpty();
    }
}
