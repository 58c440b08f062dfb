package org.mailgate.delivery;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import org.mailgate.config.DeliveryConfig;
import org.mailgate.mail.Mailbox;
import org.mailgate.mail.Notify;
import org.mailgate.mail.Reply;
import org.mailgate.spool.DeliveryState;
import org.mailgate.spool.MessageState;
import org.mailgate.spool.QueueEvent;
import org.mailgate.spool.QueuedMessage;
import org.mailgate.spool.RecipientState;
import org.mailgate.spool.Spool;
import org.mailgate.spool.SpoolEnvelope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One delivery round for one message, start to end: read its journal, give up when it expired or
 * the postmaster returned it, else send its pending recipients grouped by route (each group on
 * its own virtual thread, within the global and per-destination limits), journal every outcome,
 * report what became final, then remove, hold or reschedule the message. Knows nothing of when
 * rounds happen: {@link DeliveryService} decides that.
 */
final class Attempts {
    private static final Logger log = LoggerFactory.getLogger(Attempts.class);

    private final DeliveryConfig settings;
    private final Spool spool;
    private final Transport transport;
    private final Bounces bounces;
    private final Clock clock;
    private final ExecutorService workers;
    private final Semaphore global;
    private final DeliveryMetrics metrics;
    private final Map<String, Semaphore> perDestination = new ConcurrentHashMap<>();

    Attempts(DeliveryConfig settings, String hostname, Spool spool, Transport transport, Clock clock, ExecutorService workers) {
        this(settings, hostname, spool, transport, clock, workers, DeliveryMetrics.none());
    }

    Attempts(DeliveryConfig settings, String hostname, Spool spool, Transport transport, Clock clock, ExecutorService workers,
            DeliveryMetrics metrics) {
        this.metrics = metrics;
        this.settings = settings;
        this.spool = spool;
        this.transport = transport;
        this.bounces = new Bounces(hostname, spool, clock);
        this.clock = clock;
        this.workers = workers;
        this.global = new Semaphore(settings.concurrency());
    }

    /**
     * How a round ended: when to come back (empty when the message is held or done), and whether
     * the message is gone from the queue (then it has no lease left to release).
     */
    record Round(Optional<Instant> next, boolean removed) {
        static final Round HELD = new Round(Optional.empty(), false);
        static final Round REMOVED = new Round(Optional.empty(), true);

        static Round at(Instant next) {
            return new Round(Optional.of(next), false);
        }
    }

    /** One round for message {@code id}. */
    Round run(String id) throws IOException {
        Optional<MessageState> found = spool.load(id);
        if (found.isEmpty()) {
            return Round.REMOVED;
        }
        QueuedMessage message = found.get().message();
        SpoolEnvelope envelope = message.envelope();
        DeliveryState state = found.get().state();
        Instant roundStart = clock.instant();
        if (state.held()) {
            return Round.HELD;
        }
        if (state.nextAttempt() != null && state.nextAttempt().isAfter(roundStart)) {
            return Round.at(state.nextAttempt());
        }
        boolean expired = envelope.arrival().plus(settings.expire()).isBefore(roundStart);
        if (state.bounceRequested() || expired) {
            giveUp(message, state, expired);
        } else if (deliverPending(message, state)) {
            return remove(id);
        }
        state = spool.state(message);
        if (bounces.report(message, state)) {
            state = spool.state(message);
        }
        if (state.isDone()) {
            return finish(message, state);
        }
        bounces.warnIfDelayed(message, state, settings.delayWarning(), envelope.arrival().plus(settings.expire()));
        Instant next = clock.instant().plus(new RetrySchedule(settings.retryFirst(), settings.retryMax()).after(state.rounds()));
        spool.record(id, List.of(new QueueEvent.Scheduled(clock.instant(), next, roundStart)));
        log.info("{}: {} recipients pending, next attempt at {}", id, state.pending().size(), next);
        return Round.at(next);
    }

    /**
     * Delivers to every pending recipient, one transaction per destination at once, and journals
     * each destination's outcomes as they come. True when there was one destination, every
     * recipient of the message was still pending, and all are delivered with no notice asked for:
     * then nothing is journaled, and the caller deletes the message (one durable write, not two;
     * a crash before the delete delivers it again, as a crash before the journal entry would).
     */
    private boolean deliverPending(QueuedMessage message, DeliveryState state) throws IOException {
        Map<Route, List<SpoolEnvelope.Recipient>> groups = new LinkedHashMap<>();
        Set<Mailbox> pending = new HashSet<>(state.pending());
        for (SpoolEnvelope.Recipient r : message.envelope().recipients()) {
            if (pending.remove(r.address())) { // each address once, even if the envelope names it twice
                groups.computeIfAbsent(transport.route(r.address()), k -> new ArrayList<>()).add(r);
            }
        }
        if (groups.size() == 1 && state.pending().size() == state.recipients().size()) {
            Map.Entry<Route, List<SpoolEnvelope.Recipient>> only = groups.entrySet().iterator().next();
            List<QueueEvent.Attempted> events;
            try {
                events = deliverGroup(message, only.getKey(), only.getValue());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            if (quietlyDone(only.getValue(), events)) {
                return true;
            }
            spool.record(message.id(), List.copyOf(events));
            return false;
        }
        List<Future<?>> running = new ArrayList<>();
        for (Map.Entry<Route, List<SpoolEnvelope.Recipient>> group : groups.entrySet()) {
            running.add(workers.submit(() -> {
                spool.record(message.id(), List.copyOf(deliverGroup(message, group.getKey(), group.getValue())));
                return null;
            }));
        }
        for (Future<?> f : running) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
            }
        }
        return false;
    }

    /** Every recipient delivered, and none asked to hear of it (NOTIFY=SUCCESS): nothing to journal or report. */
    private static boolean quietlyDone(List<SpoolEnvelope.Recipient> recipients, List<QueueEvent.Attempted> events) {
        Set<Mailbox> delivered = new HashSet<>();
        events.stream().filter(e -> e.status() == RecipientState.Status.DELIVERED).forEach(e -> delivered.add(e.recipient()));
        return recipients.stream().allMatch(r -> delivered.contains(r.address()) && !r.notifyOn().contains(Notify.SUCCESS));
    }

    /** One destination's recipients in one transaction, within the concurrency limits; returns the outcomes, to journal. */
    private List<QueueEvent.Attempted> deliverGroup(QueuedMessage message, Route route, List<SpoolEnvelope.Recipient> recipients)
            throws IOException, InterruptedException {
        Semaphore destination = perDestination.computeIfAbsent(route.key(), k -> new Semaphore(settings.perDestination()));
        global.acquire();
        try {
            destination.acquire();
            try {
                RoutedMessage routed = new RoutedMessage(message.envelope(), recipients, message.size(), () -> spool.content(message.id()));
                Instant started = clock.instant();
                List<Outcome> outcomes = transport.deliver(route, routed);
                Instant at = clock.instant();
                metrics.took(Duration.between(started, at));
                List<QueueEvent.Attempted> events = new ArrayList<>();
                for (Outcome o : outcomes) {
                    events.add(new QueueEvent.Attempted(at, o.recipient(), o.status(), o.remoteMta(), o.reply()));
                    metrics.attempted(o.status());
                    log.info("{}: to=<{}> relay={} status={} ({})", message.id(), o.recipient(),
                            o.remoteMta().isEmpty() ? route.key() : o.remoteMta(), describe(o.status()), o.reply().oneLine());
                }
                return events;
            } finally {
                destination.release();
            }
        } finally {
            global.release();
        }
    }

    private void giveUp(QueuedMessage message, DeliveryState state, boolean expired) throws IOException {
        Instant now = clock.instant();
        List<QueueEvent> events = new ArrayList<>();
        for (Mailbox r : state.pending()) {
            RecipientState s = state.recipients().get(r);
            Reply reply = expired
                    ? DeliveryReply.EXPIRED.reply(settings.expire().toDays(), s.lastReply().map(last -> "; last reply: " + last.oneLine()).orElse(""))
                    : DeliveryReply.RETURNED.reply();
            events.add(new QueueEvent.Attempted(now, r, RecipientState.Status.FAILED, s.remoteMta(), reply));
        }
        spool.record(message.id(), events);
        log.info("{}: {}", message.id(), expired ? "expired, bouncing" : "bounced by the postmaster");
    }

    private Round finish(QueuedMessage message, DeliveryState state) throws IOException {
        boolean failed = state.recipients().values().stream().anyMatch(s -> s.status() == RecipientState.Status.FAILED);
        if (failed && message.envelope().sender().isEmpty()) {
            // A bounce that cannot be delivered has no one to bounce to: keep it for the postmaster, never loop.
            spool.record(message.id(), List.of(new QueueEvent.Held(clock.instant())));
            log.warn("{}: undeliverable bounce kept on hold for the postmaster (mailgate queue show {})", message.id(), message.id());
            return Round.HELD;
        }
        return remove(message.id());
    }

    private Round remove(String id) throws IOException {
        spool.delete(id);
        log.info("{}: removed from the queue, every recipient done", id);
        return Round.REMOVED;
    }

    static String describe(RecipientState.Status status) {
        return switch (status) {
            case DELIVERED -> "sent";
            case PENDING -> "deferred";
            case FAILED -> "bounced";
        };
    }
}
