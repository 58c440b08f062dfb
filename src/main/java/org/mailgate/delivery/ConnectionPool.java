package org.mailgate.delivery;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Open conversations kept for a few seconds after a delivery, so the next message to the same
 * server skips the connect, greeting, EHLO and TLS handshake. One is checked with RSET
 * before reuse; one the server closed meanwhile is dropped.
 */
final class ConnectionPool implements AutoCloseable {
    private record Idle(Conversation conversation, long since) {}

    private final Map<String, Deque<Idle>> idle = new HashMap<>();
    private final long maxIdleMillis;
    private final int maxPerKey;
    private final Clock clock;

    ConnectionPool(long maxIdleMillis, int maxPerKey, Clock clock) {
        this.maxIdleMillis = maxIdleMillis;
        this.maxPerKey = maxPerKey;
        this.clock = clock;
    }

    /** An open conversation for this key that still answers RSET, if one is idle. */
    Optional<Conversation> take(String key) {
        while (true) {
            Idle candidate;
            synchronized (this) {
                Deque<Idle> conversations = idle.get(key);
                candidate = conversations == null ? null : conversations.pollFirst();
            }
            if (candidate == null) {
                return Optional.empty();
            }
            if (candidate.conversation().reset()) {
                return Optional.of(candidate.conversation());
            }
            candidate.conversation().close(); // the server closed it meanwhile: open a new one
        }
    }

    /** Sends one message and keeps the conversation for the next when it is still good. */
    List<Outcome> deliver(String key, Conversation conversation, RoutedMessage message) {
        try {
            List<Outcome> outcomes = conversation.send(message);
            give(key, conversation);
            return outcomes;
        } catch (IOException e) {
            conversation.close();
            // The server may have taken some recipients before the connection broke, but it never
            // confirmed the data: all stay pending, and the retry sends them again (at least once).
            String peer = conversation.peer();
            return message.recipients().stream().map(r -> DeliveryReply.CONNECTION_BROKE.to(r.address(), peer, peer, e.getMessage())).toList();
        }
    }

    private void give(String key, Conversation conversation) {
        Conversation surplus = null;
        synchronized (this) {
            Deque<Idle> conversations = idle.computeIfAbsent(key, k -> new ArrayDeque<>());
            if (conversations.size() < maxPerKey && conversation.isOpen()) {
                conversations.addFirst(new Idle(conversation, clock.millis()));
            } else {
                surplus = conversation;
            }
        }
        if (surplus != null) {
            surplus.quit();
        }
    }

    /** Says QUIT to conversations idle longer than the limit. */
    void expire() {
        long cutoff = clock.millis() - maxIdleMillis;
        Deque<Idle> expired = new ArrayDeque<>();
        synchronized (this) {
            for (Iterator<Deque<Idle>> it = idle.values().iterator(); it.hasNext(); ) {
                Deque<Idle> conversations = it.next();
                conversations.removeIf(s -> s.since() < cutoff && expired.add(s));
                if (conversations.isEmpty()) {
                    it.remove();
                }
            }
        }
        expired.forEach(s -> s.conversation().quit());
    }

    @Override
    public void close() {
        Deque<Idle> all = new ArrayDeque<>();
        synchronized (this) {
            idle.values().forEach(all::addAll);
            idle.clear();
        }
        all.forEach(s -> s.conversation().quit());
    }
}
