package org.mailgate.policy;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.mailgate.auth.RecentEvents;
import org.mailgate.config.SendingLimitsConfig;
import org.mailgate.mail.Refusal;

/**
 * Per-user sending limits: messages and recipients per hour and per day, in sliding windows.
 * They contain a compromised account: past a limit, MAIL or RCPT gets 451 4.7.1 until the
 * window moves on. Counted when a message is queued.
 */
public final class SendingLimits {
    /** What a user sent in the last hour and the last day. */
    public record Usage(int messagesHour, int messagesDay, long recipientsHour, long recipientsDay) {}

    private volatile SendingLimitsConfig config;
    private final Clock clock;
    private final RecentEvents lastHour;
    private final RecentEvents lastDay;

    public SendingLimits(SendingLimitsConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        // Past a limit nothing more is recorded, so a window never needs more events than its limit.
        this.lastHour = new RecentEvents(Duration.ofHours(1).toMillis(), config.messagesPerHour() + 1, 1_000_000);
        this.lastDay = new RecentEvents(Duration.ofDays(1).toMillis(), config.messagesPerDay() + 1, 1_000_000);
    }

    /** A reload's new limits; what each user sent already counts against them. */
    public void reconfigure(SendingLimitsConfig next) {
        config = next;
        lastHour.resize(Duration.ofHours(1).toMillis(), next.messagesPerHour() + 1);
        lastDay.resize(Duration.ofDays(1).toMillis(), next.messagesPerDay() + 1);
    }

    /** At MAIL: may this user start another message? */
    public Optional<Refusal> checkMessage(String user) {
        long now = clock.millis();
        if (lastHour.count(user, now) >= config.messagesPerHour() || lastDay.count(user, now) >= config.messagesPerDay()) {
            return Optional.of(Refusal.MESSAGE_RATE_EXCEEDED);
        }
        return Optional.empty();
    }

    /** At RCPT: may this user add one more recipient to a message that has {@code accepted} already? */
    public Optional<Refusal> checkRecipient(String user, int accepted) {
        long now = clock.millis();
        if (lastHour.sum(user, now) + accepted >= config.recipientsPerHour()
                || lastDay.sum(user, now) + accepted >= config.recipientsPerDay()) {
            return Optional.of(Refusal.RECIPIENT_RATE_EXCEEDED);
        }
        return Optional.empty();
    }

    /** A message from this user was queued. */
    public void record(String user, int recipients) {
        long now = clock.millis();
        lastHour.add(user, now, recipients, 0);
        lastDay.add(user, now, recipients, 0);
    }

    public Usage usage(String user) {
        long now = clock.millis();
        return new Usage(lastHour.count(user, now), lastDay.count(user, now), lastHour.sum(user, now), lastDay.sum(user, now));
    }

    /** The users who sent in the last day. */
    public List<String> users() {
        long now = clock.millis();
        return lastDay.keys().stream().filter(user -> lastDay.count(user, now) > 0).sorted().toList();
    }

    public void prune() {
        long now = clock.millis();
        lastHour.prune(now);
        lastDay.prune(now);
    }
}
