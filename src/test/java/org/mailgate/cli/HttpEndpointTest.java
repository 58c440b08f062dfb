package org.mailgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailgate.config.DeliveryConfig;
import org.mailgate.config.HttpConfig;
import org.mailgate.config.Limits;
import org.mailgate.config.ListenerConfig;
import org.mailgate.config.ListenerKind;
import org.mailgate.config.MailgateConfig;
import org.mailgate.config.TlsConfig;
import org.mailgate.delivery.TestCertificates;
import org.mailgate.delivery.tls.MtaSts;
import org.mailgate.delivery.tls.MtaStsCache;
import org.mailgate.delivery.tls.MtaStsFiles;
import org.mailgate.delivery.tls.MtaStsStore;
import org.mailgate.delivery.tls.OutboundTls;
import org.mailgate.dns.FakeResolver;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The [http] listener of a running Mailgate: what /metrics counts after real SMTP traffic, /healthz, /readyz, and bad requests. */
class HttpEndpointTest {
    @TempDir Path dir;

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    @DisplayName("/metrics counts a session's connection, refusal and message; /healthz and /readyz say ok, a line per check")
    void metricsAndHealthAfterTraffic() throws Exception {
        try (Mailgate mailgate = inbound(HttpConfig.DEFAULTS.with(HttpConfig.PORT, 0))) {
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
        try (Mailgate mailgate = inbound(HttpConfig.DEFAULTS.with(HttpConfig.PORT, 0).with(HttpConfig.READY_QUEUE_AGE, Duration.ofSeconds(1)))) {
            LineClient.send(mailgate.server().bound().get(0).address().getPort(), "a@remote.example", List.of("alice@example.com"), "stuck");
            Thread.sleep(1500);
            mailgate.census().take();
            HttpResponse<String> ready = get(mailgate.httpAddress().orElseThrow(), "/readyz");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).startsWith("not ready\n").contains("FAIL queue: 1 waiting, the oldest for ");
        }
    }

    @Test
    @DisplayName("client autoconfiguration in Thunderbird's format, every field checked; our MTA-STS policy, read by our own parser")
    void autoconfigAndMtaSts() throws Exception {
        MailgateConfig base = new MailgateConfig("mail.example.com", dir.resolve("data"), Set.of("example.com"), List.of(
                new ListenerConfig("127.0.0.1", 0, ListenerKind.SUBMISSION), new ListenerConfig("127.0.0.1", 0, ListenerKind.SUBMISSIONS),
                new ListenerConfig("127.0.0.1", 0, ListenerKind.INBOUND)), null, Limits.DEFAULTS);
        MailgateConfig config = base.withDelivery(base.delivery().with(DeliveryConfig.ENABLED, false))
                .withHttp(HttpConfig.DEFAULTS.with(HttpConfig.PORT, 0).with(HttpConfig.IMAP_HOST, "imap.example.com"));
        assertThat(CliRun.run("secret-one\n", "user", "add", "bob@example.net", "--password-stdin", "--data-dir", dir.resolve("data").toString())
                .exitCode()).isZero();
        try (Mailgate mailgate = Mailgate.start(config, Clock.systemUTC())) {
            InetSocketAddress http = mailgate.httpAddress().orElseThrow();
            int submission = mailgate.server().bound().get(0).address().getPort();
            int submissions = mailgate.server().bound().get(1).address().getPort();
            for (String path : List.of("/.well-known/autoconfig/mail/config-v1.1.xml", "/mail/config-v1.1.xml?emailaddress=bob%40example.net")) {
                HttpResponse<String> response = get(http, path);
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.headers().firstValue("content-type")).contains("application/xml; charset=utf-8");
                Document xml = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                        .parse(new ByteArrayInputStream(response.body().getBytes(StandardCharsets.UTF_8)));
                Element root = xml.getDocumentElement();
                assertThat(root.getTagName()).isEqualTo("clientConfig");
                assertThat(root.getAttribute("version")).isEqualTo("1.1");
                Element provider = (Element) root.getElementsByTagName("emailProvider").item(0);
                assertThat(provider.getAttribute("id")).isEqualTo("example.com");
                assertThat(texts(provider, "domain")).containsExactly("example.com", "example.net");
                assertThat(texts(provider, "displayShortName")).containsExactly("example.com");
                Element incoming = (Element) provider.getElementsByTagName("incomingServer").item(0);
                assertThat(incoming.getAttribute("type")).isEqualTo("imap");
                assertThat(fields(incoming)).containsExactly("imap.example.com", "993", "SSL", "password-cleartext", "%EMAILADDRESS%");
                NodeList outgoing = provider.getElementsByTagName("outgoingServer");
                assertThat(outgoing.getLength()).as("the two submission listeners, not inbound").isEqualTo(2);
                assertThat(((Element) outgoing.item(0)).getAttribute("type")).isEqualTo("smtp");
                assertThat(fields((Element) outgoing.item(0))).as("implicit TLS first (RFC 8314)")
                        .containsExactly("mail.example.com", String.valueOf(submissions), "SSL", "password-cleartext", "%EMAILADDRESS%");
                assertThat(fields((Element) outgoing.item(1)))
                        .containsExactly("mail.example.com", String.valueOf(submission), "STARTTLS", "password-cleartext", "%EMAILADDRESS%");
            }

            HttpResponse<String> sts = get(http, "/.well-known/mta-sts.txt");
            assertThat(sts.headers().firstValue("content-type")).contains("text/plain; charset=utf-8");
            MtaSts.Policy policy = new MtaSts(new FakeResolver(), new OutboundTls(null), 443, Duration.ofSeconds(5), Clock.systemUTC(),
                    new MtaStsCache(new MtaStsFiles(dir.resolve("sts")))).parse("20261203", sts.body());
            assertThat(policy.mode()).isEqualTo(MtaSts.Mode.ENFORCE);
            assertThat(policy.mx()).containsExactly("mail.example.com");
            assertThat(policy.allows("mail.example.com")).isTrue();
        }
    }

    @Test
    @DisplayName("[http] tls = true: the MTA-STS policy over HTTPS with the SNI certificate for mta-sts.DOMAIN, fetched by delivery's own MTA-STS client")
    void mtaStsOverHttps() throws Exception {
        TestCertificates.Identity ca = TestCertificates.authority("Test CA");
        TestCertificates.Identity mail = TestCertificates.issued(ca, "mail.example.com");
        TestCertificates.Identity sts = TestCertificates.issued(ca, "mta-sts.example.com");
        TlsConfig tls = new TlsConfig(mail.writeChain(dir.resolve("mail.pem")), mail.writeKey(dir.resolve("mail.key")), List.of(
                new TlsConfig.CertificateFiles(sts.writeChain(dir.resolve("sts.pem")), sts.writeKey(dir.resolve("sts.key")))));
        MailgateConfig base = new MailgateConfig("mail.example.com", dir.resolve("data"), Set.of("example.com"),
                List.of(new ListenerConfig("127.0.0.1", 0, ListenerKind.INBOUND)), tls, Limits.DEFAULTS);
        MailgateConfig config = base.withDelivery(base.delivery().with(DeliveryConfig.ENABLED, false))
                .withHttp(HttpConfig.DEFAULTS.with(HttpConfig.PORT, 0).with(HttpConfig.TLS, true));
        try (Mailgate mailgate = Mailgate.start(config, Clock.systemUTC())) {
            int https = mailgate.httpAddress().orElseThrow().getPort();
            FakeResolver dns = new FakeResolver().txt("_mta-sts.example.com", "v=STSv1; id=20261203").address("mta-sts.example.com", "127.0.0.1");
            MtaSts client = new MtaSts(dns, new OutboundTls(TestCertificates.writePem(ca.certificate(), dir.resolve("ca.pem"))), https,
                    Duration.ofSeconds(5), Clock.systemUTC(), new MtaStsCache(new MtaStsFiles(dir.resolve("sts"))));
            MtaSts.Policy policy = client.policy("example.com").orElseThrow();
            assertThat(policy.mode()).isEqualTo(MtaSts.Mode.ENFORCE);
            assertThat(policy.mx()).containsExactly("mail.example.com");
        }
    }

    /** A Mailgate with one inbound listener, alice@example.com, no delivery, and {@code http}. */
    private Mailgate inbound(HttpConfig http) throws Exception {
        MailgateConfig base = new MailgateConfig("mx.test", dir.resolve("data"), Set.of("example.com"),
                List.of(new ListenerConfig("127.0.0.1", 0, ListenerKind.INBOUND)), null, Limits.DEFAULTS);
        assertThat(CliRun.run("secret-one\n", "user", "add", "alice@example.com", "--password-stdin", "--data-dir", dir.resolve("data").toString())
                .exitCode()).isZero();
        return Mailgate.start(base.withDelivery(base.delivery().with(DeliveryConfig.ENABLED, false)).withHttp(http), Clock.systemUTC());
    }

    private static List<String> texts(Element parent, String tag) {
        NodeList nodes = parent.getElementsByTagName(tag);
        return IntStream.range(0, nodes.getLength()).mapToObj(i -> nodes.item(i).getTextContent()).toList();
    }

    /** A server element's fields, in Thunderbird's order: hostname, port, socketType, authentication, username. */
    private static List<String> fields(Element server) {
        return List.of("hostname", "port", "socketType", "authentication", "username").stream()
                .map(tag -> server.getElementsByTagName(tag).item(0).getTextContent()).toList();
    }

    private HttpResponse<String> get(InetSocketAddress http, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.getPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
