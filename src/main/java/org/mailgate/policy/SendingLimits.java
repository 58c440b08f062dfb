package org.mailgate.policy;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.mailgate.auth.RecentEvents;
import org.mailgate.auth.SharedEvents;
import org.mailgate.auth.SharedTally;
import org.mailgate.config.SendingLimitsConfig;
import org.mailgate.mail.Refusal;

/**
 * Per-user sending limits: messages and recipients per hour and per day, in sliding windows.
 * They contain a compromised account: past a limit, MAIL or RCPT gets 451 4.7.1 until the
 * window moves on. Counted when a message is queued.
 *
 * <p>With a {@link SharedTally} (several nodes on one database) each node counts its own messages
 * here and adds the other nodes' as last read (every two seconds): a user's limit is one limit,
 * held within the messages a user can send in those seconds. The checks never wait for the
 * database; while it does not answer, each node holds the limit on what it counted and what it
 * last heard.
 */
public final class SendingLimits {
    private static final Duration HOUR = Duration.ofHours(1);
    private static final Duration DAY = Duration.ofDays(1);
    /** The kind of event in the shared store. */
    private static final String KIND = "sent";

    /** What a user sent in the last hour and the last day. */
    public record Usage(int messagesHour, int messagesDay, long recipientsHour, long recipientsDay) {
        /** The usage in a shared store's totals of the last hour and the last day. */
        static Usage of(SharedEvents.Totals hour, SharedEvents.Totals day) {
            return new Usage(hour.count(), day.count(), hour.weight(), day.weight());
        }

        Usage plus(Usage other) {
            return new Usage(messagesHour + other.messagesHour, messagesDay + other.messagesDay, recipientsHour + other.recipientsHour,
                    recipientsDay + other.recipientsDay);
        }
    }

    private volatile SendingLimitsConfig config;
    private final Clock clock;
    private final RecentEvents lastHour;
    private final RecentEvents lastDay;
    private final Optional<SharedTally> shared;

    public SendingLimits(SendingLimitsConfig config, Clock clock) {
        this(config, clock, Optional.empty());
    }

    private SendingLimits(SendingLimitsConfig config, Clock clock, Optional<SharedTally> shared) {
        this.config = config;
        this.clock = clock;
        this.shared = shared;
        // Past a limit nothing more is recorded, so a window never needs more events than its limit.
        this.lastHour = new RecentEvents(HOUR.toMillis(), config.messagesPerHour() + 1, 1_000_000);
        this.lastDay = new RecentEvents(DAY.toMillis(), config.messagesPerDay() + 1, 1_000_000);
    }

    /** One whose counts every node shares through {@code store}; it starts from this node's own of the last day. */
    public static SendingLimits shared(SendingLimitsConfig config, Clock clock, SharedEvents store) throws IOException {
        SharedTally tally = new SharedTally(store, KIND, List.of(HOUR, DAY), clock);
        SendingLimits limits = new SendingLimits(config, clock, Optional.of(tally));
        limits.restore(tally.own(DAY));
        tally.read();
        return limits;
    }

    /** Every user's usage as the shared store holds it, summed over the nodes: the admin's view, who is no node. */
    public static Map<String, Usage> inStore(SharedEvents store, Instant now) throws IOException {
        Map<String, SharedEvents.Totals> hour = store.elsewhere(KIND, now.minus(HOUR));
        Map<String, Usage> usage = new TreeMap<>();
        store.elsewhere(KIND, now.minus(DAY)).forEach((user, day) -> usage.put(user, Usage.of(hour.getOrDefault(user, SharedEvents.Totals.NONE), day)));
        return usage;
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
        shared.ifPresent(tally -> tally.add(user, Instant.ofEpochMilli(now), recipients));
    }

    /** What the user sent, on this node and (shared) on the others as last heard. */
    public Usage usage(String user) {
        long now = clock.millis();
        Usage here = new Usage(lastHour.count(user, now), lastDay.count(user, now), lastHour.sum(user, now), lastDay.sum(user, now));
        return shared.map(tally -> here.plus(Usage.of(tally.elsewhere(user, HOUR), tally.elsewhere(user, DAY)))).orElse(here);
    }

    /** The users who sent in the last day. */
    public List<String> users() {
        long now = clock.millis();
        TreeSet<String> users = new TreeSet<>(shared.map(SharedTally::keys).orElse(Set.of()));
        lastDay.keys().stream().filter(user -> lastDay.count(user, now) > 0).forEach(users::add);
        return List.copyOf(users);
    }

    /** With a shared store: sends this node's counts and reads the others'; every two seconds, from one thread, off the event loops. */
    public void share() {
        shared.ifPresent(SharedTally::share);
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
        shared.ifPresent(SharedTally::prune);
    }
}
