package org.mailgate.delivery;

import java.io.IOException;
import java.time.Clock;
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
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.mailgate.config.DeliveryConfig;
import org.mailgate.config.MailgateConfig;
import org.mailgate.mail.Mailbox;
import org.mailgate.mail.Reply;
import org.mailgate.spool.DeliveryState;
import org.mailgate.spool.QueueEvent;
import org.mailgate.spool.QueuedMessage;
import org.mailgate.spool.RecipientState;
import org.mailgate.spool.Spool;
import org.mailgate.spool.SpoolEnvelope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queue manager: takes messages from the spool as they are committed (and at start, those
 * already queued), delivers each message's pending recipients grouped by route on virtual
 * threads within the global and per-destination limits, writes every outcome to the message's
 * journal, and reschedules, bounces or removes the message. It never touches a listener's event loop.
 */
public final class DeliveryService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DeliveryService.class);
    private static final long TICK_MILLIS = 250;
    static final int MAX_LOCAL_FAILURES = 5;

    private final DeliveryConfig settings;
    private final Spool spool;
    private final Clock clock;
    private final Transports transports;
    private final Bounces bounces;
    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("delivery-housekeeping").daemon(true).factory());
    /** Wakes the scheduler: a message was committed, or a delivery finished and a slot is free. */
    private final Semaphore wakeups = new Semaphore(0);
    private final Map<String, Instant> due = new ConcurrentHashMap<>();
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> localFailures = new ConcurrentHashMap<>();
    private final Semaphore global;
    private final int maxInFlight;
    private final Map<String, Semaphore> perDestination = new ConcurrentHashMap<>();
    private final Thread scheduler;
    private volatile boolean running = true;
    private String changes;

    private DeliveryService(MailgateConfig config, Spool spool, LocalMailboxes local, Clock clock) throws IOException {
        this.settings = config.delivery();
        this.spool = spool;
        this.clock = clock;
        this.global = new Semaphore(settings.concurrency());
        // messages in flight: enough that every delivery slot stays busy while others wait on DNS
        this.maxInFlight = settings.concurrency() * 4;
        ConnectionPool pool = new ConnectionPool(5_000, settings.perDestination(), clock);
        this.transports = Transports.create(config, local, pool, RandomGenerator.getDefault(), clock);
        this.bounces = new Bounces(config.hostname(), spool, clock);
        housekeeping.scheduleWithFixedDelay(pool::expire, 1, 1, TimeUnit.SECONDS);
        spool.onCommit(id -> {
            due.put(id, Instant.MIN);
            wakeups.release();
        });
        this.changes = spool.changeStamp();
        rescan();
        this.scheduler = Thread.ofPlatform().name("delivery-scheduler").daemon(true).start(this::schedule);
    }

    /** Starts delivering from {@code spool}; {@code local} says which recipients are ours and whose mailbox they reach. */
    public static DeliveryService start(MailgateConfig config, Spool spool, LocalMailboxes local) throws IOException {
        return new DeliveryService(config, spool, local, Clock.systemUTC());
    }

    private void schedule() {
        long lastScan = System.nanoTime();
        while (running) {
            try {
                if (wakeups.tryAcquire(TICK_MILLIS, TimeUnit.MILLISECONDS)) {
                    wakeups.drainPermits();
                }
                if (System.nanoTime() - lastScan > TimeUnit.SECONDS.toNanos(1)) {
                    lastScan = System.nanoTime();
                    String stamp = spool.changeStamp();
                    if (!stamp.equals(changes)) { // the admin changed something (queue hold, retry, ...)
                        changes = stamp;
                        rescan();
                    }
                }
                dispatchDue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (IOException | RuntimeException e) {
                log.error("delivery scheduler: {}", e.toString());
            }
        }
    }

    /** Reads every queued message's journal: at start, and when the admin changed something. */
    private void rescan() throws IOException {
        Set<String> present = ConcurrentHashMap.newKeySet();
        for (QueuedMessage m : spool.list()) {
            present.add(m.id());
            if (inFlight.contains(m.id())) {
                continue;
            }
            DeliveryState state = spool.state(m);
            if (state.held()) {
                due.remove(m.id());
            } else {
                due.put(m.id(), state.nextAttempt() == null ? Instant.MIN : state.nextAttempt());
            }
        }
        due.keySet().retainAll(present);
    }

    private void dispatchDue() {
        Instant now = clock.instant();
        for (Map.Entry<String, Instant> entry : due.entrySet()) {
            if (inFlight.size() >= maxInFlight) {
                return; // a large queue after a restart is taken in turns, not all at once
            }
            String id = entry.getKey();
            if (!entry.getValue().isAfter(now) && inFlight.add(id)) {
                due.remove(id);
                workers.execute(() -> run(id));
            }
        }
    }

    private void run(String id) {
        try {
            attempt(id).ifPresent(next -> due.put(id, next));
            localFailures.remove(id);
        } catch (IOException | RuntimeException e) {
            localFailure(id, e);
        } finally {
            inFlight.remove(id);
            wakeups.release();
        }
    }

    /**
     * A round that failed for a reason of ours, not the peer's (the file, the journal, a bug):
     * tried again after retry-first, and after {@link #MAX_LOCAL_FAILURES} in a row set aside, so
     * it cannot be retried forever or hold up the queue. Expiry cannot help: it needs the envelope.
     */
    private void localFailure(String id, Exception e) {
        int failures = localFailures.merge(id, 1, Integer::sum);
        if (failures < MAX_LOCAL_FAILURES) {
            log.error("{}: delivery attempt failed ({} of {}): {}", id, failures, MAX_LOCAL_FAILURES, e.toString());
            due.put(id, clock.instant().plus(settings.retryFirst()));
            return;
        }
        localFailures.remove(id);
        try {
            spool.setAside(id, "delivery failed " + failures + " times for a local reason, last: " + e);
        } catch (IOException aside) {
            log.error("{}: cannot be set aside, dropped from this run's schedule: {}", id, aside.toString());
        }
    }

    /** One round for one message; returns when to come back, or empty when the message is done or held. */
    private Optional<Instant> attempt(String id) throws IOException {
        Optional<QueuedMessage> found = spool.find(id);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        QueuedMessage message = found.get();
        SpoolEnvelope envelope = message.envelope();
        DeliveryState state = spool.state(message);
        Instant now = clock.instant();
        Instant roundStart = now;
        if (state.held()) {
            return Optional.empty();
        }
        if (state.nextAttempt() != null && state.nextAttempt().isAfter(now)) {
            return Optional.of(state.nextAttempt());
        }
        boolean expired = envelope.arrival().plus(settings.expire()).isBefore(now);
        if (state.bounceRequested() || expired) {
            giveUp(message, state, expired);
        } else {
            deliverPending(message, state);
        }
        state = spool.state(message);
        bounces.report(message, state);
        state = spool.state(message);
        if (state.isDone()) {
            return finish(message, state);
        }
        bounces.warnIfDelayed(message, state, settings.delayWarning(), envelope.arrival().plus(settings.expire()));
        Instant next = clock.instant().plus(new RetrySchedule(settings.retryFirst(), settings.retryMax()).after(state.rounds()));
        spool.record(id, List.of(new QueueEvent.Scheduled(clock.instant(), next, roundStart)));
        log.info("{}: {} recipients pending, next attempt at {}", id, state.pending().size(), next);
        return Optional.of(next);
    }

    private void deliverPending(QueuedMessage message, DeliveryState state) throws IOException {
        Map<Route, List<SpoolEnvelope.Recipient>> groups = new LinkedHashMap<>();
        Set<Mailbox> pending = new HashSet<>(state.pending());
        for (SpoolEnvelope.Recipient r : message.envelope().recipients()) {
            if (pending.remove(r.address())) { // each address once, even if the envelope names it twice
                groups.computeIfAbsent(transports.route(r.address()), k -> new ArrayList<>()).add(r);
            }
        }
        List<Future<?>> running = new ArrayList<>();
        for (Map.Entry<Route, List<SpoolEnvelope.Recipient>> group : groups.entrySet()) {
            running.add(workers.submit(() -> {
                deliverGroup(message, group.getKey(), group.getValue());
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
    }

    /** One destination's recipients in one transaction, within the concurrency limits; outcomes journaled at once. */
    private void deliverGroup(QueuedMessage message, Route route, List<SpoolEnvelope.Recipient> recipients) throws IOException, InterruptedException {
        Semaphore destination = perDestination.computeIfAbsent(route.key(), k -> new Semaphore(settings.perDestination()));
        global.acquire();
        try {
            destination.acquire();
            try {
                MessageTransfer.Message transfer = new MessageTransfer.Message(message.envelope(), recipients, message.size(),
                        () -> spool.content(message.id()));
                List<Outcome> outcomes = transports.deliver(route, transfer);
                Instant at = clock.instant();
                List<QueueEvent> events = new ArrayList<>();
                for (Outcome o : outcomes) {
                    events.add(new QueueEvent.Attempted(at, o.recipient(), o.status(), o.remoteMta(), o.reply()));
                    log.info("{}: to=<{}> relay={} status={} ({})", message.id(), o.recipient(),
                            o.remoteMta().isEmpty() ? route.key() : o.remoteMta(), describe(o.status()), o.reply().oneLine());
                }
                spool.record(message.id(), events);
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

    private Optional<Instant> finish(QueuedMessage message, DeliveryState state) throws IOException {
        boolean failed = state.recipients().values().stream().anyMatch(s -> s.status() == RecipientState.Status.FAILED);
        if (failed && message.envelope().sender().isEmpty()) {
            // A bounce that cannot be delivered has no one to bounce to: keep it for the postmaster, never loop.
            spool.record(message.id(), List.of(new QueueEvent.Held(clock.instant())));
            log.warn("{}: undeliverable bounce kept on hold for the postmaster (mailgate queue show {})", message.id(), message.id());
            return Optional.empty();
        }
        spool.delete(message.id());
        log.info("{}: removed from the queue, every recipient done", message.id());
        return Optional.empty();
    }

    private static String describe(RecipientState.Status status) {
        return switch (status) {
            case DELIVERED -> "sent";
            case PENDING -> "deferred";
            case FAILED -> "bounced";
        };
    }

    @Override
    public void close() {
        running = false;
        scheduler.interrupt();
        housekeeping.shutdownNow();
        workers.shutdown();
        try {
            if (!workers.awaitTermination(10, TimeUnit.SECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        transports.close();
    }
}
