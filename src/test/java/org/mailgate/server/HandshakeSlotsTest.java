package org.mailgate.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mailgate.testing.ManualClock;

class HandshakeSlotsTest {
    private final ManualClock now = new ManualClock();
    private final List<String> evicted = new ArrayList<>();

    private Optional<HandshakeSlots.Slot> acquire(HandshakeSlots slots, String client, String name) throws Exception {
        return slots.acquire(InetAddress.getByName(client), false, () -> evicted.add(name));
    }

    private void advanceSeconds(long seconds) {
        now.advance(Duration.ofSeconds(seconds));
    }

    @Test
    @DisplayName("no client holds more than its share of handshakes in progress; a finished one frees its slot")
    void eachClientGetsItsShare() throws Exception {
        HandshakeSlots slots = new HandshakeSlots(100, 2, now);
        HandshakeSlots.Slot first = acquire(slots, "192.0.2.1", "a1").orElseThrow();
        assertThat(acquire(slots, "192.0.2.1", "a2")).isPresent();
        assertThat(acquire(slots, "192.0.2.1", "a3")).isEmpty();
        assertThat(acquire(slots, "2001:db8::1", "v6")).isPresent();
        assertThat(acquire(slots, "192.0.2.2", "b1")).isPresent();
        first.release();
        first.release(); // idempotent
        assertThat(acquire(slots, "192.0.2.1", "a4")).isPresent();
        assertThat(slots.inProgress()).isEqualTo(4);
        assertThat(slots.acquire(InetAddress.getByName("192.0.2.1"), true, () -> evicted.add("trusted")))
                .as("a client of [limits] trusted-networks has no share of its own").isPresent();
    }

    @Test
    @DisplayName("with every slot taken, a newcomer waits while the holders are young, then takes over the oldest past the pressure timeout")
    void newcomerTakesOverAStaleSlotWhenFull() throws Exception {
        HandshakeSlots slots = new HandshakeSlots(2, 10, now);
        acquire(slots, "192.0.2.1", "old");
        advanceSeconds(1);
        acquire(slots, "192.0.2.2", "younger");
        assertThat(acquire(slots, "192.0.2.9", "legit")).isEmpty();
        advanceSeconds(HandshakeSlots.PRESSURE_TIMEOUT.toSeconds());
        assertThat(acquire(slots, "192.0.2.9", "legit")).isPresent();
        assertThat(evicted).containsExactly("old");
    }

    @Test
    @DisplayName("under pressure (every slot in use) handshakes older than the pressure timeout are closed; short of full none are")
    void sweepClosesStaleHandshakesOnlyUnderPressure() throws Exception {
        HandshakeSlots slots = new HandshakeSlots(3, 10, now);
        acquire(slots, "192.0.2.1", "one");
        acquire(slots, "192.0.2.2", "two");
        advanceSeconds(60);
        assertThat(slots.sweep()).as("two of three in use: no pressure").isZero();
        acquire(slots, "192.0.2.3", "three");
        assertThat(slots.sweep()).isEqualTo(2);
        assertThat(evicted).containsExactly("one", "two");
        assertThat(slots.inProgress()).isEqualTo(1);
    }
}
