package org.mailgate.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import org.mailgate.config.ListenerKind;
import org.mailgate.mail.Refusal;

/**
 * What the listeners count, for /metrics: connections and messages by listener kind, refusals
 * by reason, TLS handshakes and logins by result, message sizes and the time a commit takes.
 * Every label is from a closed set (no addresses, no users), and every series exists from the
 * start, at zero, so an alert on a rate works before the first event.
 */
final class ServerMetrics {
    enum Login { SUCCESS, FAILURE, LOCKED }

    private final Map<ListenerKind, Counter> connections = new EnumMap<>(ListenerKind.class);
    private final Map<ListenerKind, Counter> accepted = new EnumMap<>(ListenerKind.class);
    private final Map<Refusal, Counter> refusals = new EnumMap<>(Refusal.class);
    private final Map<Login, Counter> logins = new EnumMap<>(Login.class);
    private final Counter tlsDone;
    private final Counter tlsFailed;
    private final DistributionSummary sizes;
    private final Timer commits;

    ServerMetrics(MeterRegistry registry) {
        for (ListenerKind kind : ListenerKind.values()) {
            connections.put(kind, Counter.builder("mailgate.connections").description("connections admitted")
                    .tag("listener", kind.configName()).register(registry));
            accepted.put(kind, Counter.builder("mailgate.messages.accepted").description("messages queued (answered 250)")
                    .tag("listener", kind.configName()).register(registry));
        }
        for (Refusal refusal : Refusal.values()) {
            refusals.put(refusal, Counter.builder("mailgate.refusals").description("commands and connections refused")
                    .tag("reason", refusal.name().toLowerCase(Locale.ROOT)).register(registry));
        }
        for (Login login : Login.values()) {
            logins.put(login, Counter.builder("mailgate.auth").description("AUTH attempts")
                    .tag("result", login.name().toLowerCase(Locale.ROOT)).register(registry));
        }
        tlsDone = Counter.builder("mailgate.tls.handshakes").tag("result", "done").register(registry);
        tlsFailed = Counter.builder("mailgate.tls.handshakes").tag("result", "failed").register(registry);
        sizes = DistributionSummary.builder("mailgate.message.size").baseUnit("bytes").description("size of each message queued")
                .register(registry);
        commits = Timer.builder("mailgate.message.commit").description("end of data to the reply: checks, signing, fsync")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
    }

    void connection(ListenerKind kind) {
        connections.get(kind).increment();
    }

    void refused(Refusal refusal) {
        refusals.get(refusal).increment();
    }

    void login(Login result) {
        logins.get(result).increment();
    }

    void handshake(boolean done) {
        (done ? tlsDone : tlsFailed).increment();
    }

    /** A message queued on a listener of {@code kind}: {@code bytes} stored, {@code took} since its end of data. */
    void accepted(ListenerKind kind, long bytes, Duration took) {
        accepted.get(kind).increment();
        sizes.record(bytes);
        commits.record(took);
    }
}
