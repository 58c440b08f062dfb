package org.mailgate.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.mailgate.config.LoginThrottleConfig;
import org.mailgate.testing.ManualClock;

class LoginThrottleTest {
    // window 15m, slower after 3, at most 8 s, locked after 10 for 15m, known-good for 30 days
    private static final LoginThrottleConfig CONFIG = LoginThrottleConfig.DEFAULTS.with(LoginThrottleConfig.MAX_DELAY, Duration.ofSeconds(8));
    private static final Duration BASE = Duration.ofSeconds(1);

    private final ManualClock now = new ManualClock();
    private final LoginThrottle throttle = new LoginThrottle(CONFIG, BASE, now);

    @Test
    void eachFailureAfterTheFirstFewWaitsTwiceAsLongUpToTheCap() {
        assertThat(throttle.failed("192.0.2.1", "alice@example.com", "guess1")).isEqualTo(BASE);
        assertThat(throttle.failed("192.0.2.1", "alice@example.com", "guess2")).isEqualTo(BASE);
        assertThat(throttle.failed("192.0.2.1", "alice@example.com", "guess3")).isEqualTo(BASE);
        assertThat(throttle.failed("192.0.2.1", "alice@example.com", "guess4")).isEqualTo(Duration.ofSeconds(2));
        assertThat(throttle.failed("192.0.2.1", "alice@example.com", "guess5")).isEqualTo(Duration.ofSeconds(4));
        assertThat(throttle.failed("192.0.2.1", "alice@example.com", "guess6")).isEqualTo(Duration.ofSeconds(8));
        assertThat(throttle.failed("192.0.2.1", "alice@example.com", "guess7")).isEqualTo(Duration.ofSeconds(8));
    }

    @Test
    void theSameWrongPasswordAgainCountsOnce() {
        // A phone retrying the user's old password after a change must not lock the account.
        for (int i = 0; i < 100; i++) {
            assertThat(throttle.failed("192.0.2.1", "alice@example.com", "old-password")).isEqualTo(BASE);
        }
        assertThat(throttle.begin("192.0.2.1", "alice@example.com")).isTrue();
        assertThat(throttle.lockedAccounts()).isEmpty();
    }

    @Test
    void aClientThatKeepsGuessingIsLockedOutForEveryAccountThenLetGo() {
        for (int i = 0; i < 10; i++) {
            throttle.failed("192.0.2.66", "user" + i + "@example.com", "guess");
        }
        assertThat(throttle.begin("192.0.2.66", "carol@example.com")).isFalse();
        assertThat(throttle.begin("192.0.2.7", "carol@example.com")).isTrue();
        now.advance(Duration.ofMinutes(15));
        assertThat(throttle.begin("192.0.2.66", "carol@example.com")).isTrue();
    }

    @Test
    void aReloadKeepsTheFailuresCountedAndTheLockoutsInForce() {
        for (int i = 0; i < 10; i++) {
            throttle.failed("192.0.2.66", "user" + i + "@example.com", "guess");
        }
        for (int i = 0; i < 4; i++) {
            throttle.failed("192.0.2.77", "user" + i + "@example.com", "guess");
        }
        throttle.reconfigure(CONFIG.with(LoginThrottleConfig.LOCKOUT_AFTER, 5), BASE);
        assertThat(throttle.begin("192.0.2.66", "carol@example.com")).as("locked before the reload: still").isFalse();
        assertThat(throttle.begin("192.0.2.77", "carol@example.com")).isTrue();
        throttle.failed("192.0.2.77", "carol@example.com", "guess");
        assertThat(throttle.begin("192.0.2.77", "carol@example.com")).as("its fifth failure, under the new lockout-after").isFalse();
    }

    @Test
    void aLockedAccountStillLetsInAddressesItLoggedInFrom() {
        throttle.succeeded("198.51.100.5", "alice@example.com");
        for (int i = 0; i < 10; i++) {
            throttle.failed("203.0.113." + i, "alice@example.com", "guess" + i); // ten attackers, one guess each
        }
        assertThat(throttle.lockedAccounts()).extracting(LoginThrottle.Lock::who).containsExactly("alice@example.com");
        assertThat(throttle.begin("203.0.113.200", "alice@example.com")).isFalse();
        assertThat(throttle.begin("198.51.100.5", "alice@example.com")).isTrue();
    }

    @Test
    void failuresOutsideTheWindowNoLongerCount() {
        for (int i = 0; i < 9; i++) {
            throttle.failed("192.0.2.1", "alice@example.com", "guess" + i);
        }
        now.advance(Duration.ofMinutes(16));
        assertThat(throttle.failed("192.0.2.1", "alice@example.com", "one more")).isEqualTo(BASE);
        assertThat(throttle.begin("192.0.2.1", "alice@example.com")).isTrue();
    }

    @Test
    void unknownAccountsAreCountedLikeKnownOnes() {
        for (int i = 0; i < 10; i++) {
            throttle.failed("192.0.2.1", "nobody@example.com", "guess" + i);
        }
        assertThat(throttle.lockedAccounts()).extracting(LoginThrottle.Lock::who).containsExactly("nobody@example.com");
    }

    @Test
    void checksInProgressCountSoAFloodOfParallelGuessesIsCutShort() {
        int admitted = 0;
        for (int i = 0; i < 100; i++) {
            if (throttle.begin("192.0.2.1", "alice@example.com")) {
                admitted++;
            }
        }
        assertThat(admitted).isEqualTo(CONFIG.lockoutAfter());
        throttle.failed("192.0.2.1", "alice@example.com", "guess");
        assertThat(throttle.begin("192.0.2.1", "alice@example.com")).isFalse(); // one failure + nine still checking
        assertThat(throttle.begin("192.0.2.2", "alice@example.com")).isTrue(); // another client is not held up
    }

    @Test
    void anAdminsUnlockLetsTheAccountAndTheClientInAtOnce() {
        for (int i = 0; i < 10; i++) {
            throttle.failed("203.0.113.9", "alice@example.com", "guess" + i);
        }
        assertThat(throttle.begin("198.51.100.1", "alice@example.com")).isFalse();
        assertThat(throttle.unlock("alice@example.com")).isTrue();
        assertThat(throttle.begin("198.51.100.1", "alice@example.com")).as("the account, from elsewhere").isTrue();
        assertThat(throttle.begin("203.0.113.9", "bob@example.com")).as("the guessing client is still locked").isFalse();
        assertThat(throttle.unlock("203.0.113.9")).isTrue();
        assertThat(throttle.begin("203.0.113.9", "bob@example.com")).isTrue();
        assertThat(throttle.unlock("carol@example.com")).as("not locked").isFalse();
    }
}
