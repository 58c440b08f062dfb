package org.mailgate.auth;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToLongFunction;

/**
 * Events per key (a client, an account) within a sliding window, for throttles and limits.
 * Memory is bounded: each key keeps at most {@code maxEvents} (the oldest go first), keys whose
 * events have all expired are dropped by {@link #prune}, and past {@code maxKeys} the map starts
 * over rather than grow (a flood of distinct keys is itself what a limit on one key cannot stop).
 */
public final class RecentEvents {
    /** One event: when, how much it weighs (recipients of a message, say), and a tag for distinct counting. */
    private record Event(long at, int weight, long tag) {}

    /** One key's event as it is saved across a restart. */
    public record Entry(String key, long at, int weight, long tag) {}

    private volatile long windowMillis;
    private volatile int maxEvents;
    private final int maxKeys;
    private final Map<String, ArrayDeque<Event>> events = new ConcurrentHashMap<>();

    public RecentEvents(long windowMillis, int maxEvents, int maxKeys) {
        this.windowMillis = windowMillis;
        this.maxEvents = maxEvents;
        this.maxKeys = maxKeys;
    }

    /** A reload's new window and bound; the events already kept stay, and count in the new window. */
    public void resize(long newWindowMillis, int newMaxEvents) {
        windowMillis = newWindowMillis;
        maxEvents = newMaxEvents;
    }

    /** Records an event of weight 1. */
    public void add(String key, long now) {
        add(key, now, 1, 0);
    }

    /** Records an event; one with a tag already in the window only refreshes that one (distinct counting). */
    public void add(String key, long now, int weight, long tag) {
        if (events.size() >= maxKeys && !events.containsKey(key)) {
            prune(now);
            if (events.size() >= maxKeys) {
                events.clear();
            }
        }
        ArrayDeque<Event> queue = events.computeIfAbsent(key, k -> new ArrayDeque<>());
        synchronized (queue) {
            expire(queue, now);
            if (tag != 0) {
                queue.removeIf(e -> e.tag() == tag);
            }
            queue.addLast(new Event(now, weight, tag));
            while (queue.size() > maxEvents) {
                queue.removeFirst();
            }
        }
    }

    /** Events of this key in the window. */
    public int count(String key, long now) {
        return (int) fold(key, now, e -> 1);
    }

    /** The summed weight of this key's events in the window. */
    public long sum(String key, long now) {
        return fold(key, now, Event::weight);
    }

    private long fold(String key, long now, ToLongFunction<Event> value) {
        ArrayDeque<Event> queue = events.get(key);
        if (queue == null) {
            return 0;
        }
        synchronized (queue) {
            expire(queue, now);
            return queue.stream().mapToLong(value).sum();
        }
    }

    /** The keys with events (some may have expired since; {@link #prune} drops those). */
    public Set<String> keys() {
        return Set.copyOf(events.keySet());
    }

    /** The events still in the window, oldest first per key, to save them. */
    public List<Entry> entries(long now) {
        List<Entry> entries = new ArrayList<>();
        events.forEach((key, queue) -> {
            synchronized (queue) {
                expire(queue, now);
                queue.forEach(e -> entries.add(new Entry(key, e.at(), e.weight(), e.tag())));
            }
        });
        return entries;
    }

    /** Takes saved events back, in their order; those already out of the window count for nothing. */
    public void restore(List<Entry> entries, long now) {
        for (Entry entry : entries) {
            if (now - entry.at() < windowMillis) {
                add(entry.key(), entry.at(), entry.weight(), entry.tag());
            }
        }
    }

    public void clear(String key) {
        events.remove(key);
    }

    /** Drops keys with no event left in the window. */
    public void prune(long now) {
        for (Iterator<ArrayDeque<Event>> it = events.values().iterator(); it.hasNext(); ) {
            ArrayDeque<Event> queue = it.next();
            synchronized (queue) {
                expire(queue, now);
                if (queue.isEmpty()) {
                    it.remove();
                }
            }
        }
    }

    private void expire(ArrayDeque<Event> queue, long now) {
        while (!queue.isEmpty() && now - queue.peekFirst().at() >= windowMillis) {
            queue.removeFirst();
        }
    }
}
