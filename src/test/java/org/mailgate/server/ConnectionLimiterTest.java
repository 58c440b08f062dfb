package org.mailgate.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mailgate.config.AddressRange;
import org.mailgate.config.Limits;
import org.mailgate.mail.Refusal;
import org.mailgate.testing.ManualClock;

class ConnectionLimiterTest {
    private final ManualClock now = new ManualClock();

    private ConnectionLimiter limiter(int total, int perAddress, int perMinute, int handshakes) {
        Limits limits = Limits.DEFAULTS.with(Limits.MAX_CONNECTIONS, total).with(Limits.MAX_CONNECTIONS_PER_ADDRESS, perAddress)
                .with(Limits.MAX_CONNECTION_RATE, perMinute).with(Limits.MAX_TLS_HANDSHAKES, handshakes);
        return new ConnectionLimiter(limits, now);
    }

    private static InetAddress address(String text) throws Exception {
        return InetAddress.getByName(text);
    }

    @Test
    void eachClientGetsItsShareAndAReleasedSlotIsFreeAgain() throws Exception {
        ConnectionLimiter limiter = limiter(100, 2, 1000, 10);
        InetAddress a = address("192.0.2.1");
        assertThat(limiter.admit(a, false)).isEmpty();
        assertThat(limiter.admit(a, false)).isEmpty();
        assertThat(limiter.admit(a, false)).contains(Refusal.TOO_MANY_CONNECTIONS);
        assertThat(limiter.admit(address("192.0.2.2"), false)).isEmpty();
        limiter.release(a, false);
        assertThat(limiter.admit(a, false)).isEmpty();
    }

    @Test
    void anIpv6ClientIsItsSlash64() throws Exception {
        ConnectionLimiter limiter = limiter(100, 1, 1000, 10);
        assertThat(limiter.admit(address("2001:db8:1:2::1"), false)).isEmpty();
        assertThat(limiter.admit(address("2001:db8:1:2:ffff::9"), false)).contains(Refusal.TOO_MANY_CONNECTIONS);
        assertThat(limiter.admit(address("2001:db8:1:3::1"), false)).isEmpty();
    }

    @Test
    void theServerWideCapHoldsForEveryone() throws Exception {
        ConnectionLimiter limiter = limiter(2, 10, 1000, 10);
        assertThat(limiter.admit(address("192.0.2.1"), false)).isEmpty();
        assertThat(limiter.admit(address("192.0.2.2"), false)).isEmpty();
        assertThat(limiter.admit(address("192.0.2.3"), false)).contains(Refusal.SERVER_BUSY);
    }

    @Test
    void newConnectionsPerMinuteAreCappedAndTheWindowMovesOn() throws Exception {
        ConnectionLimiter limiter = limiter(100, 100, 3, 10);
        InetAddress a = address("192.0.2.1");
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.admit(a, false)).isEmpty();
            limiter.release(a, false);
        }
        assertThat(limiter.admit(a, false)).contains(Refusal.CONNECTION_RATE_EXCEEDED);
        now.advance(Duration.ofSeconds(61));
        assertThat(limiter.admit(a, false)).isEmpty();
    }

    @Test
    void aTrustedConnectionIsNotTheClientsButCountsTowardTheServersOwn() throws Exception {
        ConnectionLimiter limiter = limiter(6, 1, 5, 10);
        InetAddress app = address("10.0.0.5");
        for (int i = 0; i < 4; i++) {
            assertThat(limiter.admit(app, true)).as("connection " + (i + 1) + " of the application server").isEmpty();
        }
        assertThat(limiter.admit(app, false)).as("the same address on a listener that does not trust it: its own share, untouched").isEmpty();
        assertThat(limiter.admit(app, false)).as("... and that share is 1").contains(Refusal.TOO_MANY_CONNECTIONS);
        assertThat(limiter.admit(app, true)).as("the sixth connection of the server").isEmpty();
        assertThat(limiter.admit(app, true)).as("the server-wide cap of 6").contains(Refusal.SERVER_BUSY);
        limiter.release(app, true);
        assertThat(limiter.admit(address("192.0.2.1"), false)).isEmpty();
    }

    @Test
    void theTrustedNetworksComeFromLimits() throws Exception {
        Limits limits = Limits.DEFAULTS.with(Limits.TRUSTED_NETWORKS, List.of(AddressRange.parse("10.0.0.0/8").orElseThrow()));
        assertThat(limits.trusted(address("10.1.2.3"))).isTrue();
        assertThat(limits.trusted(address("192.0.2.1"))).isFalse();
        assertThat(Limits.DEFAULTS.trusted(address("10.1.2.3"))).isFalse();
    }
}
