package org.mailgate.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What every {@link UserStore} does, whatever holds the users: the user file and the database run these same tests. */
public abstract class UserStoreContract {
    /** A store over this test's users, the same ones on each call (another process's view). */
    protected abstract UserStore open() throws Exception;

    private static final User ALICE = new User("alice@example.com", "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
            List.of("a@example.com", "@example.org"), false);
    private static final User BOB = new User("bob@example.com", "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$b3RoZXI", List.of(), true);

    @Test
    @DisplayName("users, their aliases and sender policy read back as written, from another opening")
    void roundTrip() throws Exception {
        assertThat(open().read()).isEmpty();
        open().update(users -> {
            users.add(ALICE);
            users.add(BOB);
            return users;
        });
        assertThat(open().read()).containsExactlyInAnyOrder(ALICE, BOB);
    }

    @Test
    @DisplayName("a change moves the version; a change that changes nothing in the users still may, reading does not")
    void versionMovesOnChange() throws Exception {
        UserStore store = open();
        Object before = store.version();
        assertThat(store.version()).isEqualTo(before);
        store.update(users -> {
            users.add(ALICE);
            return users;
        });
        Object added = open().version();
        assertThat(added).isNotEqualTo(before);
        open().read();
        assertThat(open().version()).isEqualTo(added);
    }

    @Test
    @DisplayName("a password changed and a user removed are what the next reader sees")
    void changesAndRemovals() throws Exception {
        open().update(users -> List.of(ALICE, BOB));
        open().update(users -> users.stream().filter(u -> !u.equals(BOB)).map(u -> u.withPasswordHash("$argon2id$new")).toList());
        assertThat(open().read()).containsExactly(ALICE.withPasswordHash("$argon2id$new"));
    }

    @Test
    @DisplayName("changes from many threads at once are applied one after another: none is lost")
    void concurrentChangesAreSerialised() throws Exception {
        UserStore store = open();
        ExecutorService writers = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String address = "user" + i + "@example.com";
                done.add(writers.submit(() -> {
                    store.update(users -> {
                        users.add(new User(address, "$argon2id$x", List.of(), false));
                        return users;
                    });
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            writers.shutdown();
        }
        assertThat(open().read()).hasSize(20);
    }
}
