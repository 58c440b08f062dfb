package org.mailgate.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;
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
        assertThat(limiter.admit(a)).isEmpty();
        assertThat(limiter.admit(a)).isEmpty();
        assertThat(limiter.admit(a)).contains(Refusal.TOO_MANY_CONNECTIONS);
        assertThat(limiter.admit(address("192.0.2.2"))).isEmpty();
        limiter.release(a);
        assertThat(limiter.admit(a)).isEmpty();
    }

    @Test
    void anIpv6ClientIsItsSlash64() throws Exception {
        ConnectionLimiter limiter = limiter(100, 1, 1000, 10);
        assertThat(limiter.admit(address("2001:db8:1:2::1"))).isEmpty();
        assertThat(limiter.admit(address("2001:db8:1:2:ffff::9"))).contains(Refusal.TOO_MANY_CONNECTIONS);
        assertThat(limiter.admit(address("2001:db8:1:3::1"))).isEmpty();
    }

    @Test
    void theServerWideCapHoldsForEveryone() throws Exception {
        ConnectionLimiter limiter = limiter(2, 10, 1000, 10);
        assertThat(limiter.admit(address("192.0.2.1"))).isEmpty();
        assertThat(limiter.admit(address("192.0.2.2"))).isEmpty();
        assertThat(limiter.admit(address("192.0.2.3"))).contains(Refusal.SERVER_BUSY);
    }

    @Test
    void newConnectionsPerMinuteAreCappedAndTheWindowMovesOn() throws Exception {
        ConnectionLimiter limiter = limiter(100, 100, 3, 10);
        InetAddress a = address("192.0.2.1");
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.admit(a)).isEmpty();
            limiter.release(a);
        }
        assertThat(limiter.admit(a)).contains(Refusal.CONNECTION_RATE_EXCEEDED);
        now.advance(Duration.ofSeconds(61));
        assertThat(limiter.admit(a)).isEmpty();
    }
}
