package org.mailgate.bench;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * What a load run measured. Latency is per message, from MAIL to the 250 after the content;
 * session latency from the connect to the 250 after the session's last message (TLS, AUTH and all).
 *
 * @param errors counts by reply code, or by what failed without a reply ("connection refused",
 *     "unknown host", "timeout", "tls", "connection lost", "io")
 */
public record BenchReport(
        long messages,
        long sessions,
        Duration elapsed,
        Histogram latencyMicros,
        Histogram sessionLatencyMicros,
        Map<String, Long> errors,
        long bytesSent) {

    public BenchReport {
        errors = Map.copyOf(new TreeMap<>(errors));
    }

    public double messagesPerSecond() {
        return messages / seconds();
    }

    public double sessionsPerSecond() {
        return sessions / seconds();
    }

    private double seconds() {
        return Math.max(elapsed.toNanos(), 1) / 1e9;
    }

    /** A latency percentile in milliseconds (0 when nothing was sent). */
    public double latencyMillis(double percentile) {
        return latencyMicros.getTotalCount() == 0 ? 0 : latencyMicros.getValueAtPercentile(percentile) / 1000.0;
    }

    public double maxLatencyMillis() {
        return latencyMicros.getTotalCount() == 0 ? 0 : latencyMicros.getMaxValue() / 1000.0;
    }

    /** A session latency percentile in milliseconds (0 when no session completed). */
    public double sessionLatencyMillis(double percentile) {
        return sessionLatencyMicros.getTotalCount() == 0 ? 0 : sessionLatencyMicros.getValueAtPercentile(percentile) / 1000.0;
    }
}
