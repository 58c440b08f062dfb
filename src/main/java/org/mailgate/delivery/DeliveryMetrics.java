package org.mailgate.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import org.mailgate.spool.RecipientState;

/** What delivery counts, for /metrics: each recipient's attempt by result, and how long each attempt at a route takes. */
final class DeliveryMetrics {
    private final Map<RecipientState.Status, Counter> attempts = new EnumMap<>(RecipientState.Status.class);
    private final Timer durations;

    DeliveryMetrics(MeterRegistry registry) {
        for (RecipientState.Status status : RecipientState.Status.values()) {
            attempts.put(status, Counter.builder("mailgate.delivery.attempts").description("delivery attempts, a recipient each")
                    .tag("result", Attempts.describe(status)).register(registry));
        }
        durations = Timer.builder("mailgate.delivery.duration").description("one attempt at one route: connect, TLS, the transaction")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(5)).maximumExpectedValue(Duration.ofMinutes(10))
                .register(registry);
    }

    /** Counts nothing anyone reads: for tests that run rounds without a server. */
    static DeliveryMetrics none() {
        return new DeliveryMetrics(new SimpleMeterRegistry());
    }

    void attempted(RecipientState.Status result) {
        attempts.get(result).increment();
    }

    void took(Duration attempt) {
        durations.record(attempt);
    }
}
