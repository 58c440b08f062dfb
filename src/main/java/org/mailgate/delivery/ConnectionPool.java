package org.mailgate.delivery;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import org.mailgate.mail.Reply;

/**
 * Open sessions kept for a few seconds after a delivery, so the next message to the same
 * server skips the connect, greeting, EHLO and TLS handshake. A session is checked with RSET
 * before reuse; one the server closed meanwhile is dropped.
 */
final class ConnectionPool implements AutoCloseable {
    private record Idle(SessionOpener.Session session, long since) {}

    private final Map<String, Deque<Idle>> idle = new HashMap<>();
    private final long maxIdleMillis;
    private final int maxPerKey;
    private final Clock clock;

    ConnectionPool(long maxIdleMillis, int maxPerKey, Clock clock) {
        this.maxIdleMillis = maxIdleMillis;
        this.maxPerKey = maxPerKey;
        this.clock = clock;
    }

    /** An open session for this key that still answers, if one is idle. */
    Optional<SessionOpener.Session> take(String key) {
        while (true) {
            Idle candidate;
            synchronized (this) {
                Deque<Idle> sessions = idle.get(key);
                candidate = sessions == null ? null : sessions.pollFirst();
            }
            if (candidate == null) {
                return Optional.empty();
            }
            try {
                Reply reset = candidate.session().connection().command("RSET");
                if (reset.code() == 250) {
                    return Optional.of(candidate.session());
                }
            } catch (IOException closedMeanwhile) {
                // the server timed the idle session out: open a new one
            }
            candidate.session().connection().close();
        }
    }

    void give(String key, SessionOpener.Session session) {
        SessionOpener.Session surplus = null;
        synchronized (this) {
            Deque<Idle> sessions = idle.computeIfAbsent(key, k -> new ArrayDeque<>());
            if (sessions.size() < maxPerKey && session.connection().isOpen()) {
                sessions.addFirst(new Idle(session, clock.millis()));
            } else {
                surplus = session;
            }
        }
        if (surplus != null) {
            surplus.connection().quit();
        }
    }

    /** Says QUIT to sessions idle longer than the limit. */
    void expire() {
        long cutoff = clock.millis() - maxIdleMillis;
        Deque<Idle> expired = new ArrayDeque<>();
        synchronized (this) {
            for (Iterator<Deque<Idle>> it = idle.values().iterator(); it.hasNext(); ) {
                Deque<Idle> sessions = it.next();
                sessions.removeIf(s -> s.since() < cutoff && expired.add(s));
                if (sessions.isEmpty()) {
                    it.remove();
                }
            }
        }
        expired.forEach(s -> s.session().connection().quit());
    }

    @Override
    public void close() {
        Deque<Idle> all = new ArrayDeque<>();
        synchronized (this) {
            idle.values().forEach(all::addAll);
            idle.clear();
        }
        all.forEach(s -> s.session().connection().quit());
    }
}
