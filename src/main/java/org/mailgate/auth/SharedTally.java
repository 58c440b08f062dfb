package org.mailgate.auth;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One kind of event as every node counts it: this node's events are queued here and sent to the
 * {@link SharedEvents} store at each {@link #share}, which also reads back the other nodes'
 * totals for each window. A check never waits for the store: it adds this node's own count
 * (exact) to the others' as last read (at most one share old). While the store does not
 * answer, the events wait here (up to a bound) and the others' totals stay as last read.
 */
public final class SharedTally {
    private static final Logger log = LoggerFactory.getLogger(SharedTally.class);
    /** Events not yet in the store are kept up to this many while it does not answer; past it, the oldest go. */
    private static final int MAX_UNSHARED = 100_000;

    private final SharedEvents store;
    private final String kind;
    private volatile List<Duration> windows;
    private final Clock clock;
    private final ConcurrentLinkedQueue<SharedEvents.Event> unshared = new ConcurrentLinkedQueue<>();
    private final AtomicInteger unsharedCount = new AtomicInteger();
    private volatile Map<Duration, Map<String, SharedEvents.Totals>> elsewhere = Map.of();
    private volatile long lastWarning;

    /** @param windows the windows the totals are read for (an hour and a day, say) */
    public SharedTally(SharedEvents store, String kind, List<Duration> windows, Clock clock) {
        this.store = store;
        this.kind = kind;
        this.windows = List.copyOf(windows);
        this.clock = clock;
    }

    /** A reload's new windows: read from the next share on. */
    public void windows(List<Duration> next) {
        windows = List.copyOf(next);
    }

    /** This node's event, for the store at the next share. */
    public void add(String key, Instant at, int weight) {
        unshared.add(new SharedEvents.Event(key, at, weight));
        if (unsharedCount.incrementAndGet() > MAX_UNSHARED && unshared.poll() != null) {
            unsharedCount.decrementAndGet();
        }
    }

    /** The other nodes' totals of the key in the window, as last read. */
    public SharedEvents.Totals elsewhere(String key, Duration window) {
        return elsewhere.getOrDefault(window, Map.of()).getOrDefault(key, SharedEvents.Totals.NONE);
    }

    /** The keys the other nodes had events of in the longest window, as last read. */
    public Set<String> keys() {
        return elsewhere.getOrDefault(longest(), Map.of()).keySet();
    }

    private Duration longest() {
        return windows.stream().max(Duration::compareTo).orElse(Duration.ZERO);
    }

    /** This node's own events in the window before now, from the store: what to count again after a restart. */
    public List<RecentEvents.Entry> own(Duration window) throws IOException {
        return store.own(kind, clock.instant().minus(window)).stream()
                .map(e -> new RecentEvents.Entry(e.key(), e.at().toEpochMilli(), e.weight(), 0)).toList();
    }

    /** Sends this node's events since the last call and reads the others' totals; call every few seconds from one thread, off the event loops. */
    public void share() {
        List<SharedEvents.Event> batch = new ArrayList<>();
        for (SharedEvents.Event event; (event = unshared.poll()) != null; ) {
            unsharedCount.decrementAndGet();
            batch.add(event);
        }
        try {
            store.add(kind, batch);
            batch.clear();
            read();
        } catch (IOException e) {
            batch.forEach(event -> add(event.key(), event.at(), event.weight()));
            long now = clock.millis();
            if (now - lastWarning > 60_000) {
                lastWarning = now;
                log.warn("{}: counted on this node, with the other nodes' counts as last read: the shared store does not answer ({})",
                        kind, e.getMessage());
            }
        }
    }

    /** Reads the other nodes' totals for every window. */
    public void read() throws IOException {
        Instant now = clock.instant();
        Map<Duration, Map<String, SharedEvents.Totals>> read = new HashMap<>();
        for (Duration window : windows) {
            read.put(window, store.elsewhere(kind, now.minus(window)));
        }
        elsewhere = Map.copyOf(read);
    }

    /** Forgets, in the store, what is older than the longest window. */
    public void prune() {
        try {
            store.prune(kind, clock.instant().minus(longest()));
        } catch (IOException e) {
            log.warn("{}: old counts not pruned from the shared store: {}", kind, e.getMessage());
        }
    }
}
