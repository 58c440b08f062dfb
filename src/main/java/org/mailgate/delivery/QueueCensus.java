package org.mailgate.delivery;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.mailgate.spool.DeliveryState;
import org.mailgate.spool.QueuedMessage;
import org.mailgate.spool.Spool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queue counted by state (waiting, held, set aside) and the age of the oldest message
 * waiting, for /metrics and /readyz. Counting reads every message's journal, so it is taken on a
 * schedule (every few seconds, off the event loops), never at a scrape.
 */
public final class QueueCensus {
    private static final Logger log = LoggerFactory.getLogger(QueueCensus.class);

    /** One count: {@code oldestWaiting} is empty when nothing waits. */
    public record Count(int waiting, int held, int setAside, Optional<Instant> oldestWaiting) {}

    private final Spool spool;
    private final Clock clock;
    private volatile Count last = new Count(0, 0, 0, Optional.empty());

    public QueueCensus(Spool spool, Clock clock) {
        this.spool = spool;
        this.clock = clock;
    }

    /** Registers the gauges mailgate_queue_messages{state} and mailgate_queue_oldest_age_seconds. */
    public QueueCensus register(MeterRegistry registry) {
        Gauge.builder("mailgate.queue.messages", this, c -> c.last.waiting()).tag("state", "waiting").register(registry);
        Gauge.builder("mailgate.queue.messages", this, c -> c.last.held()).tag("state", "held").register(registry);
        Gauge.builder("mailgate.queue.messages", this, c -> c.last.setAside()).tag("state", "set_aside").register(registry);
        Gauge.builder("mailgate.queue.oldest.age", this, c -> c.oldestAge().toMillis() / 1000.0).baseUnit("seconds")
                .description("age of the oldest message waiting for delivery; 0 when none waits").register(registry);
        return this;
    }

    /** Counts the queue again; a spool that cannot be read is logged and the last count kept. */
    public void take() {
        try {
            int waiting = 0;
            int held = 0;
            Instant oldest = null;
            for (QueuedMessage m : spool.list()) {
                DeliveryState state = spool.state(m);
                if (state.held()) {
                    held++;
                } else {
                    waiting++;
                    Instant arrival = m.envelope().arrival();
                    oldest = oldest == null || arrival.isBefore(oldest) ? arrival : oldest;
                }
            }
            last = new Count(waiting, held, spool.setAside().size(), Optional.ofNullable(oldest));
        } catch (IOException e) {
            log.warn("queue not counted: {}", e.getMessage());
        }
    }

    public Count last() {
        return last;
    }

    /** How long the oldest waiting message has waited; zero when none waits. */
    public Duration oldestAge() {
        return last.oldestWaiting().map(at -> Duration.between(at, clock.instant())).orElse(Duration.ZERO);
    }
}
