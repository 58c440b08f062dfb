package org.mailgate.server;

import java.net.InetAddress;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.mailgate.auth.ClientKey;
import org.mailgate.auth.RecentEvents;
import org.mailgate.config.Limits;
import org.mailgate.mail.Refusal;

/**
 * The connection limits: connections open server-wide and per client (IPv4 address, IPv6 /64),
 * and new connections per minute per client. A client past a limit gets a 421 and the
 * connection closes; everyone else is served. (TLS handshakes have {@link HandshakeSlots}.)
 */
final class ConnectionLimiter {
    private static final long MINUTE = 60_000;

    private volatile Limits limits;
    private final Clock clock;
    private final AtomicInteger open = new AtomicInteger();
    private final Map<String, AtomicInteger> openPerClient = new ConcurrentHashMap<>();
    private final RecentEvents recentConnections;

    ConnectionLimiter(Limits limits, Clock clock) {
        this.limits = limits;
        this.clock = clock;
        this.recentConnections = new RecentEvents(MINUTE, limits.maxConnectionRate() + 1, 100_000);
    }

    /** Connections open now, server-wide. */
    int open() {
        return open.get();
    }

    /** A reload's new limits; connections open stay, and count against them. */
    void resize(Limits next) {
        limits = next;
        recentConnections.resize(MINUTE, next.maxConnectionRate() + 1);
    }

    /**
     * A new connection from this client: admitted (and counted until {@link #release}), or why
     * not. A {@code trusted} connection (its client in [limits] trusted-networks, or in those of
     * its listener) counts only toward the server's own maximum, not toward the client's share.
     */
    Optional<Refusal> admit(InetAddress client, boolean trusted) {
        if (open.incrementAndGet() > limits.maxConnections()) {
            open.decrementAndGet();
            return Optional.of(Refusal.SERVER_BUSY);
        }
        if (trusted) {
            return Optional.empty(); // not counted as the client's either, so it takes nothing from its share elsewhere
        }
        String key = ClientKey.of(client);
        long now = clock.millis();
        recentConnections.add(key, now);
        if (recentConnections.count(key, now) > limits.maxConnectionRate()) {
            open.decrementAndGet();
            return Optional.of(Refusal.CONNECTION_RATE_EXCEEDED);
        }
        AtomicInteger mine = openPerClient.computeIfAbsent(key, k -> new AtomicInteger());
        if (mine.incrementAndGet() > limits.maxConnectionsPerAddress()) {
            release(client, false);
            return Optional.of(Refusal.TOO_MANY_CONNECTIONS);
        }
        return Optional.empty();
    }

    /** A connection {@link #admit} let in has closed; {@code trusted} as it was admitted. */
    void release(InetAddress client, boolean trusted) {
        open.decrementAndGet();
        if (trusted) {
            return;
        }
        openPerClient.computeIfPresent(ClientKey.of(client), (k, count) -> count.decrementAndGet() <= 0 ? null : count);
    }

    void prune() {
        recentConnections.prune(clock.millis());
    }
}
