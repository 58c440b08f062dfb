package org.mailgate.policy;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.mailgate.auth.RecentEvents;
import org.mailgate.config.SendingLimitsConfig;
import org.mailgate.mail.Refusal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-user sending limits: messages and recipients per hour and per day, in sliding windows.
 * They contain a compromised account: past a limit, MAIL or RCPT gets 451 4.7.1 until the
 * window moves on. Counted when a message is queued.
 *
 * <p>With {@link SentMessages} (several nodes on one database) each node counts its own messages
 * here, sends them to the store and takes the other nodes' counts from it every {@link #share}
 * (two seconds): a user's limit is one limit, held within the messages a user can send in those
 * seconds. The checks never wait for the database; while it does not answer, each node holds the
 * limit on what it counted and what it last heard.
 */
public final class SendingLimits {
    private static final Logger log = LoggerFactory.getLogger(SendingLimits.class);
    private static final Duration HOUR = Duration.ofHours(1);
    private static final Duration DAY = Duration.ofDays(1);
    /** Counts not yet in the store are kept up to this many while it does not answer; past it, the oldest go. */
    private static final int MAX_UNSHARED = 100_000;

    /** What a user sent in the last hour and the last day. */
    public record Usage(int messagesHour, int messagesDay, long recipientsHour, long recipientsDay) {
        static final Usage NONE = new Usage(0, 0, 0, 0);

        Usage plus(Usage other) {
            return new Usage(messagesHour + other.messagesHour, messagesDay + other.messagesDay, recipientsHour + other.recipientsHour,
                    recipientsDay + other.recipientsDay);
        }
    }

    private volatile SendingLimitsConfig config;
    private final Clock clock;
    private final RecentEvents lastHour;
    private final RecentEvents lastDay;
    private final Optional<SentMessages> shared;
    private final ConcurrentLinkedQueue<SentMessages.Sent> unshared = new ConcurrentLinkedQueue<>();
    private final AtomicInteger unsharedCount = new AtomicInteger();
    private volatile Map<String, Usage> elsewhere = Map.of();
    private volatile long lastSharedWarning;

    public SendingLimits(SendingLimitsConfig config, Clock clock) {
        this(config, clock, Optional.empty());
    }

    private SendingLimits(SendingLimitsConfig config, Clock clock, Optional<SentMessages> shared) {
        this.config = config;
        this.clock = clock;
        this.shared = shared;
        // Past a limit nothing more is recorded, so a window never needs more events than its limit.
        this.lastHour = new RecentEvents(HOUR.toMillis(), config.messagesPerHour() + 1, 1_000_000);
        this.lastDay = new RecentEvents(DAY.toMillis(), config.messagesPerDay() + 1, 1_000_000);
    }

    /** One whose counts every node shares through {@code shared}; it starts from this node's own of the last day. */
    public static SendingLimits shared(SendingLimitsConfig config, Clock clock, SentMessages shared) throws IOException {
        SendingLimits limits = new SendingLimits(config, clock, Optional.of(shared));
        Instant now = clock.instant();
        limits.restore(shared.own(now).stream().map(s -> new RecentEvents.Entry(s.user(), s.at().toEpochMilli(), s.recipients(), 0)).toList());
        limits.elsewhere = shared.elsewhere(now);
        return limits;
    }

    /** A reload's new limits; what each user sent already counts against them. */
    public void reconfigure(SendingLimitsConfig next) {
        config = next;
        lastHour.resize(HOUR.toMillis(), next.messagesPerHour() + 1);
        lastDay.resize(DAY.toMillis(), next.messagesPerDay() + 1);
    }

    /** At MAIL: may this user start another message? */
    public Optional<Refusal> checkMessage(String user) {
        Usage usage = usage(user);
        if (usage.messagesHour() >= config.messagesPerHour() || usage.messagesDay() >= config.messagesPerDay()) {
            return Optional.of(Refusal.MESSAGE_RATE_EXCEEDED);
        }
        return Optional.empty();
    }

    /** At RCPT: may this user add one more recipient to a message that has {@code accepted} already? */
    public Optional<Refusal> checkRecipient(String user, int accepted) {
        Usage usage = usage(user);
        if (usage.recipientsHour() + accepted >= config.recipientsPerHour() || usage.recipientsDay() + accepted >= config.recipientsPerDay()) {
            return Optional.of(Refusal.RECIPIENT_RATE_EXCEEDED);
        }
        return Optional.empty();
    }

    /** A message from this user was queued. */
    public void record(String user, int recipients) {
        long now = clock.millis();
        lastHour.add(user, now, recipients, 0);
        lastDay.add(user, now, recipients, 0);
        if (shared.isPresent()) {
            unshared.add(new SentMessages.Sent(user, Instant.ofEpochMilli(now), recipients));
            if (unsharedCount.incrementAndGet() > MAX_UNSHARED && unshared.poll() != null) {
                unsharedCount.decrementAndGet();
            }
        }
    }

    /** What the user sent, on this node and (shared) on the others as last heard. */
    public Usage usage(String user) {
        long now = clock.millis();
        Usage here = new Usage(lastHour.count(user, now), lastDay.count(user, now), lastHour.sum(user, now), lastDay.sum(user, now));
        return here.plus(elsewhere.getOrDefault(user, Usage.NONE));
    }

    /** The users who sent in the last day. */
    public List<String> users() {
        long now = clock.millis();
        TreeSet<String> users = new TreeSet<>(elsewhere.keySet());
        lastDay.keys().stream().filter(user -> lastDay.count(user, now) > 0).forEach(users::add);
        return List.copyOf(users);
    }

    /**
     * With a shared store: sends this node's counts since the last call and takes the other
     * nodes'. Call every two seconds from one thread, off the event loops.
     */
    public void share() {
        if (shared.isEmpty()) {
            return;
        }
        List<SentMessages.Sent> batch = new ArrayList<>();
        for (SentMessages.Sent sent; (sent = unshared.poll()) != null; ) {
            unsharedCount.decrementAndGet();
            batch.add(sent);
        }
        try {
            shared.get().add(batch);
            batch.clear();
            elsewhere = shared.get().elsewhere(clock.instant());
        } catch (IOException e) {
            batch.forEach(sent -> {
                unshared.add(sent);
                unsharedCount.incrementAndGet();
            });
            long now = clock.millis();
            if (now - lastSharedWarning > 60_000) {
                lastSharedWarning = now;
                log.warn("sending limits are held on this node's counts and the others' as last heard: the shared store does not answer ({})",
                        e.getMessage());
            }
        }
    }

    /** The events of the last day, to save across a restart. */
    public List<RecentEvents.Entry> save() {
        return lastDay.entries(clock.millis());
    }

    /** Takes back what an earlier run saved. */
    public void restore(List<RecentEvents.Entry> saved) {
        long now = clock.millis();
        lastHour.restore(saved, now);
        lastDay.restore(saved, now);
    }

    public void prune() {
        long now = clock.millis();
        lastHour.prune(now);
        lastDay.prune(now);
        if (shared.isPresent()) {
            try {
                shared.get().prune(clock.instant());
            } catch (IOException e) {
                log.warn("old sending counts not pruned from the shared store: {}", e.getMessage());
            }
        }
    }
}
