package org.mailgate.server;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs a refusal once per client and reason per window, not once per attempt: a flood of
 * connections from a banned address, or of AUTHs from a locked-out one, is one log line, not
 * a thousand a second that would bury everything else.
 */
final class RefusalLog {
    private static final Logger log = LoggerFactory.getLogger(RefusalLog.class);
    private static final int MAX_KEYS = 100_000;

    private volatile long windowMillis;
    private final Clock clock;
    private final Map<String, Long> lastLogged = new ConcurrentHashMap<>();

    RefusalLog(long windowMillis, Clock clock) {
        this.windowMillis = windowMillis;
        this.clock = clock;
    }

    /** A reload's new window ([auto-ban] window). */
    void resize(long nextWindowMillis) {
        windowMillis = nextWindowMillis;
    }

    /** Logs "client=... what" unless the same was logged for this client within the window. */
    void refused(String client, String what) {
        refused(client, what, what);
    }

    /** Logs "client=... what" unless a refusal of this {@code kind} was logged for this client within the window. */
    void refused(String client, String kind, String what) {
        long now = clock.millis();
        String key = client + " " + kind;
        Long last = lastLogged.get(key);
        if (last != null && now - last < windowMillis) {
            return;
        }
        if (lastLogged.size() >= MAX_KEYS) {
            lastLogged.values().removeIf(at -> now - at >= windowMillis);
        }
        lastLogged.put(key, now);
        log.info("client={} {} (logged once per {} s for this client)", client, what, windowMillis / 1000);
    }

    void prune() {
        long now = clock.millis();
        lastLogged.values().removeIf(at -> now - at >= windowMillis);
    }
}
