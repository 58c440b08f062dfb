package org.mailgate.delivery;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.mailgate.config.DeliveryConfig;
import org.mailgate.spool.DeliveryState;
import org.mailgate.spool.QueuedMessage;
import org.mailgate.spool.Spool;
import org.mailgate.spool.SpoolUnavailable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queue manager: takes messages from the spool as they are committed (and at start, those
 * already queued, and again when the admin changed the queue), and runs each message's round
 * ({@link Attempts}) on a virtual thread when it is due, a bounded number at a time. A round
 * that fails for a reason of ours is retried, then set aside. It never touches a listener's event loop.
 */
public final class DeliveryService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DeliveryService.class);
    private static final long TICK_MILLIS = 250;
    /** How long a claimed message stays this node's without a renewal: a node that dies lets go of it this late. */
    static final Duration LEASE = Duration.ofMinutes(2);
    private static final long RENEW_SECONDS = 30;
    private static final Duration CLAIM_RETRY = Duration.ofSeconds(5);
    static final int MAX_LOCAL_FAILURES = 5;

    private final Spool spool;
    private final Clock clock;
    private final DeliveryMetrics metrics;
    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("delivery-housekeeping").daemon(true).factory());
    /** Wakes the scheduler: a message was committed, or a delivery finished and a slot is free. */
    private final Semaphore wakeups = new Semaphore(0);
    private final Map<String, Instant> due = new ConcurrentHashMap<>();
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> localFailures = new ConcurrentHashMap<>();
    private final Thread scheduler;
    /** The settings and the way out that new rounds take; a reload replaces them, rounds in flight keep theirs. */
    private volatile Generation current;
    private volatile boolean running = true;
    private String changes;
    /** The reason the shared spool could not be polled, while it cannot; null while it can. */
    private String pollFailure;

    /**
     * What a round runs with, and how many rounds run with it: a generation replaced by a reload
     * closes its transport (its pooled connections) once its last round is over.
     */
    private static final class Generation {
        final DeliveryConfig settings;
        final Attempts attempts;
        final Transport transport;
        int rounds;

        Generation(DeliveryConfig settings, Attempts attempts, Transport transport) {
            this.settings = settings;
            this.attempts = attempts;
            this.transport = transport;
        }
    }

    private DeliveryService(DeliveryConfig settings, String hostname, Spool spool, Transport transport, Clock clock, DeliveryMetrics metrics)
            throws IOException {
        this.spool = spool;
        this.clock = clock;
        this.metrics = metrics;
        this.current = generation(settings, hostname, transport);
        housekeeping.scheduleWithFixedDelay(() -> current.transport.expireIdle(), 1, 1, TimeUnit.SECONDS);
        housekeeping.scheduleWithFixedDelay(this::renewLeases, RENEW_SECONDS, RENEW_SECONDS, TimeUnit.SECONDS);
        spool.onCommit(id -> {
            due.put(id, Instant.MIN);
            wakeups.release();
        });
        this.changes = spool.changeStamp();
        rescan();
        this.scheduler = Thread.ofPlatform().name("delivery-scheduler").daemon(true).start(this::schedule);
    }

    /**
     * Starts delivering from {@code spool} through {@code transport} (which it closes when closed),
     * with {@code hostname} as the reporting MTA of the notices it sends.
     */
    public static DeliveryService start(DeliveryConfig settings, String hostname, Spool spool, Transport transport, Clock clock)
            throws IOException {
        return new DeliveryService(settings, hostname, spool, transport, clock, DeliveryMetrics.none());
    }

    /** As above, counting its attempts in {@code registry}. */
    public static DeliveryService start(DeliveryConfig settings, String hostname, Spool spool, Transport transport, Clock clock,
            MeterRegistry registry) throws IOException {
        return new DeliveryService(settings, hostname, spool, transport, clock, new DeliveryMetrics(registry));
    }

    private Generation generation(DeliveryConfig settings, String reportingHost, Transport transport) {
        return new Generation(settings, new Attempts(settings, reportingHost, spool, transport, clock, workers, metrics), transport);
    }

    /**
     * A reload: rounds that start from now on use {@code settings}, {@code reportingHost} and
     * {@code transport}; rounds in flight finish with what they started with, and the old
     * transport is closed after the last of them.
     */
    public void reconfigure(DeliveryConfig settings, String reportingHost, Transport transport) {
        Generation next = generation(settings, reportingHost, transport);
        Generation old;
        synchronized (this) {
            old = current;
            current = next;
            if (old.rounds > 0) {
                return;
            }
        }
        old.transport.close();
        wakeups.release();
    }

    private synchronized Generation takeCurrent() {
        Generation generation = current;
        generation.rounds++;
        return generation;
    }

    private void release(Generation generation) {
        boolean retired;
        synchronized (this) {
            retired = --generation.rounds == 0 && generation != current;
        }
        if (retired) {
            generation.transport.close();
        }
    }

    private void schedule() {
        long lastScan = System.nanoTime();
        boolean pollAgain = false;
        while (running) {
            try {
                if (wakeups.tryAcquire(TICK_MILLIS, TimeUnit.MILLISECONDS)) {
                    wakeups.drainPermits();
                }
                if (pollAgain || System.nanoTime() - lastScan > TimeUnit.SECONDS.toNanos(1)) {
                    lastScan = System.nanoTime();
                    String stamp = spool.changeStamp();
                    if (!stamp.equals(changes)) { // the admin changed something (queue hold, retry, ...)
                        changes = stamp;
                        rescan();
                    }
                    pollAgain = claimShared();
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

    /**
     * On a spool several nodes share: claims what is due and held by no node (received by
     * another, or left by one that died), as many as there are free slots. True when the batch
     * was full: there is more, and the next poll comes at the next tick, not in a second.
     */
    private boolean claimShared() {
        int free = current.settings.concurrency() * 4 - inFlight.size();
        if (free <= 0) {
            return false;
        }
        List<String> claimed;
        try {
            claimed = spool.claimDue(free, LEASE);
        } catch (IOException e) {
            if (pollFailure == null) {
                log.error("delivery paused: the queue cannot be read: {}", e.getMessage());
            }
            pollFailure = e.getMessage();
            return false;
        }
        if (pollFailure != null) {
            log.info("delivery resumed: the queue can be read again");
            pollFailure = null;
        }
        for (String id : claimed) {
            if (inFlight.add(id)) {
                due.remove(id);
                workers.execute(() -> run(id));
            }
        }
        return claimed.size() == free;
    }

    private void renewLeases() {
        try {
            spool.renew(Set.copyOf(inFlight), LEASE);
        } catch (IOException | RuntimeException e) {
            log.error("cannot renew the leases of the {} messages being delivered: {}", inFlight.size(), e.getMessage());
        }
    }

    private void dispatchDue() {
        Instant now = clock.instant();
        for (Map.Entry<String, Instant> entry : due.entrySet()) {
            // messages in flight: enough that every delivery slot stays busy while others wait on DNS
            if (inFlight.size() >= current.settings.concurrency() * 4) {
                return; // a large queue after a restart is taken in turns, not all at once
            }
            String id = entry.getKey();
            if (!entry.getValue().isAfter(now) && inFlight.add(id)) {
                due.remove(id);
                workers.execute(() -> claimAndRun(id));
            }
        }
    }

    /** Runs a round when this node may: on a shared spool, another node may hold the message (then it is that node's). */
    private void claimAndRun(String id) {
        boolean claimed;
        try {
            claimed = spool.claim(id, LEASE);
        } catch (IOException e) {
            log.warn("{}: cannot be claimed for delivery ({}): trying again in {} s", id, e.getMessage(), CLAIM_RETRY.toSeconds());
            due.put(id, clock.instant().plus(CLAIM_RETRY));
            inFlight.remove(id);
            return;
        }
        if (claimed) {
            run(id);
        } else {
            inFlight.remove(id);
        }
    }

    private void run(String id) {
        Generation generation = takeCurrent();
        boolean removed = false;
        try {
            Attempts.Round round = generation.attempts.run(id);
            round.next().ifPresent(next -> due.put(id, next));
            removed = round.removed();
            localFailures.remove(id);
        } catch (IOException | RuntimeException e) {
            localFailure(id, e, generation.settings);
        } finally {
            release(generation);
            if (!removed) { // a message deleted took its lease with it
                releaseLease(id);
            }
            inFlight.remove(id);
            wakeups.release();
        }
    }

    /** The round is over: its journal (and next attempt) is written, so any node may take the message when it is due. */
    private void releaseLease(String id) {
        try {
            spool.release(id);
        } catch (IOException e) {
            log.warn("{}: the lease cannot be released ({}): it runs out within {} s", id, e.getMessage(), LEASE.toSeconds());
        }
    }

    /**
     * A round that failed for a reason of ours, not the peer's (the file, the journal, a bug):
     * tried again after retry-first, and after {@link #MAX_LOCAL_FAILURES} in a row set aside, so
     * it cannot be retried forever or hold up the queue. Expiry cannot help: it needs the envelope.
     */
    private void localFailure(String id, Exception e, DeliveryConfig settings) {
        if (e instanceof SpoolUnavailable) { // no fault of this message's: it waits for the store, uncounted
            log.warn("{}: delivery waits for the queue's store ({}): trying again in {} s", id, e.getMessage(), CLAIM_RETRY.toSeconds());
            due.put(id, clock.instant().plus(CLAIM_RETRY));
            return;
        }
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
        current.transport.close();
    }
}
