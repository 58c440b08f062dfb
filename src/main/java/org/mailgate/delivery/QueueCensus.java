package org.mailgate.delivery;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import org.mailgate.spool.QueueCounts;
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

    private final Spool spool;
    private final Clock clock;
    private volatile QueueCounts last = QueueCounts.EMPTY;

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
            last = spool.counts();
        } catch (IOException e) {
            log.warn("queue not counted: {}", e.getMessage());
        }
    }

    public QueueCounts last() {
        return last;
    }

    /** How long the oldest waiting message has waited; zero when none waits. */
    public Duration oldestAge() {
        return last.oldestWaiting().map(at -> Duration.between(at, clock.instant())).orElse(Duration.ZERO);
    }
}
