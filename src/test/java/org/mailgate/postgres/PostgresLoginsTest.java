package org.mailgate.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mailgate.auth.LoginThrottle;
import org.mailgate.config.LoginThrottleConfig;
import org.mailgate.testing.PostgresDatabase;

/** Failed logins counted in a real PostgreSQL: three nodes' throttles lock a guesser out as one node's would. */
class PostgresLoginsTest {
    private static final LoginThrottleConfig CONFIG = LoginThrottleConfig.DEFAULTS.with(LoginThrottleConfig.LOCKOUT_AFTER, 6);
    private static final Duration BASE = Duration.ZERO;
    @RegisterExtension static final PostgresDatabase postgres = new PostgresDatabase(true);

    private static LoginThrottle node() throws Exception {
        return new LoginThrottle(CONFIG, BASE, Clock.systemUTC(), new PostgresLogins(postgres.database()));
    }

    /** Guesses round robin over the nodes until one refuses to check; returns how many were checked. */
    private static int guessesBeforeLockout(String client, String account, LoginThrottle... nodes) {
        for (int guess = 0; guess < 100; guess++) {
            LoginThrottle node = nodes[guess % nodes.length];
            if (!node.begin(client, account)) {
                return guess;
            }
            node.failed(client, account, "guess-" + guess);
        }
        return -1;
    }

    @Test
    @DisplayName("a guesser spread over three nodes is locked out after as many failures as against one")
    void spreadGuessesLockOutAsOneNode() throws Exception {
        int alone = guessesBeforeLockout("198.51.100.7", "alice@example.com", new LoginThrottle(CONFIG, BASE, Clock.systemUTC()));
        LoginThrottle a = node();
        LoginThrottle b = node();
        LoginThrottle c = node();
        int spread = guessesBeforeLockout("198.51.100.7", "alice@example.com", a, b, c);
        assertThat(alone).isEqualTo(6);
        assertThat(spread).isEqualTo(alone);
        for (LoginThrottle node : new LoginThrottle[] {a, b, c}) {
            assertThat(node.begin("198.51.100.7", "alice@example.com")).as("locked on every node").isFalse();
        }
        assertThat(guessesBeforeLockout("203.0.113.9", "alice@example.com", b, c)).as("the account, from a new address: locked too").isZero();
    }

    @Test
    @DisplayName("one password tried on every node counts once; an address that logged in on one node may on another; an unlock on one frees all")
    void tagsKnownGoodAndUnlockAreShared() throws Exception {
        LoginThrottle a = node();
        LoginThrottle b = node();
        for (int i = 0; i < 20; i++) {
            LoginThrottle node = i % 2 == 0 ? a : b;
            assertThat(node.begin("198.51.100.8", "bob@example.com")).as("the same old password, again and again").isTrue();
            node.failed("198.51.100.8", "bob@example.com", "old-password");
        }
        assertThat(a.begin("192.0.2.1", "carol@example.com")).isTrue();
        a.succeeded("192.0.2.1", "carol@example.com");
        guessesBeforeLockout("198.51.100.9", "carol@example.com", a, b);
        assertThat(b.begin("203.0.113.10", "carol@example.com")).as("carol is locked for new addresses").isFalse();
        assertThat(b.begin("192.0.2.1", "carol@example.com")).as("where she logged in before, on the other node").isTrue();
        b.succeeded("192.0.2.1", "carol@example.com");
        assertThat(a.unlock("carol@example.com")).isTrue();
        assertThat(b.begin("203.0.113.10", "carol@example.com")).as("unlocked on node a, free on node b").isTrue();
    }
}
