package org.mailgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailgate.config.DeliveryConfig;
import org.mailgate.config.HttpConfig;
import org.mailgate.config.Limits;
import org.mailgate.config.ListenerConfig;
import org.mailgate.config.ListenerKind;
import org.mailgate.config.MailgateConfig;

/** The [http] listener of a running Mailgate: what /metrics counts after real SMTP traffic, /healthz, /readyz, and bad requests. */
class HttpEndpointTest {
    @TempDir Path dir;

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    @DisplayName("/metrics counts a session's connection, refusal and message; /healthz and /readyz say ok, a line per check")
    void metricsAndHealthAfterTraffic() throws Exception {
        MailgateConfig base = new MailgateConfig("mx.test", dir.resolve("data"), Set.of("example.com"),
                List.of(new ListenerConfig("127.0.0.1", 0, ListenerKind.INBOUND)), null, Limits.DEFAULTS);
        MailgateConfig config = base.withDelivery(base.delivery().with(DeliveryConfig.ENABLED, false))
                .withHttp(HttpConfig.DEFAULTS.with(HttpConfig.PORT, 0));
        assertThat(CliRun.run("secret-one\n", "user", "add", "alice@example.com", "--password-stdin", "--data-dir", dir.resolve("data").toString())
                .exitCode()).isZero();
        try (Mailgate mailgate = Mailgate.start(config, Clock.systemUTC())) {
            int smtp = mailgate.server().bound().get(0).address().getPort();
            try (LineClient c = LineClient.connect(smtp)) {
                c.send("EHLO client.test");
                c.send("MAIL FROM:<a@remote.example>");
                assertThat(c.send("RCPT TO:<x@elsewhere.example>")).startsWith("554 5.7.1");
                assertThat(c.send("RCPT TO:<alice@example.com>")).startsWith("250");
                c.send("DATA");
                assertThat(c.send("Subject: counted\r\n\r\nhello\r\n.")).startsWith("250");
            }
            InetSocketAddress http = mailgate.httpAddress().orElseThrow();
            mailgate.census().take();

            HttpResponse<String> metrics = get(http, "/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.headers().firstValue("content-type")).contains("text/plain; version=0.0.4; charset=utf-8");
            assertThat(metrics.body()).contains(
                    "mailgate_connections_total{listener=\"inbound\"} 1.0",
                    "mailgate_messages_accepted_total{listener=\"inbound\"} 1.0",
                    "mailgate_refusals_total{reason=\"relay_denied\"} 1.0",
                    "mailgate_refusals_total{reason=\"unknown_user\"} 0.0",
                    "mailgate_queue_messages{state=\"waiting\"} 1.0",
                    "mailgate_message_size_bytes_count 1",
                    "mailgate_message_commit_seconds_bucket{le=",
                    "mailgate_auth_total{result=\"failure\"} 0.0",
                    "mailgate_bans_active 0.0");
            assertThat(metrics.body()).doesNotContain("127.0.0.1", "alice");

            assertThat(get(http, "/healthz").body()).isEqualTo("ok\n");
            HttpResponse<String> ready = get(http, "/readyz");
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(ready.body()).startsWith("ready\nok   listeners: 1 of 1 bound\nok   spool: writable, ")
                    .contains("ok   queue: 1 waiting, the oldest for ");

            assertThat(get(http, "/nothing").statusCode()).isEqualTo(404);
            HttpResponse<String> post = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.getPort() + "/metrics"))
                    .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(405);
            assertThat(post.headers().firstValue("allow")).contains("GET, HEAD");
        }
    }

    @Test
    @DisplayName("/readyz is 503 when delivery is stuck: the oldest waiting message is past ready-queue-age")
    void notReadyWhenTheQueueIsStuck() throws Exception {
        MailgateConfig base = new MailgateConfig("mx.test", dir.resolve("data"), Set.of("example.com"),
                List.of(new ListenerConfig("127.0.0.1", 0, ListenerKind.INBOUND)), null, Limits.DEFAULTS);
        MailgateConfig config = base.withDelivery(base.delivery().with(DeliveryConfig.ENABLED, false))
                .withHttp(HttpConfig.DEFAULTS.with(HttpConfig.PORT, 0).with(HttpConfig.READY_QUEUE_AGE, Duration.ofSeconds(1)));
        assertThat(CliRun.run("secret-one\n", "user", "add", "alice@example.com", "--password-stdin", "--data-dir", dir.resolve("data").toString())
                .exitCode()).isZero();
        try (Mailgate mailgate = Mailgate.start(config, Clock.systemUTC())) {
            LineClient.send(mailgate.server().bound().get(0).address().getPort(), "a@remote.example", List.of("alice@example.com"), "stuck");
            Thread.sleep(1500);
            mailgate.census().take();
            HttpResponse<String> ready = get(mailgate.httpAddress().orElseThrow(), "/readyz");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).startsWith("not ready\n").contains("FAIL queue: 1 waiting, the oldest for ");
        }
    }

    private HttpResponse<String> get(InetSocketAddress http, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.getPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
