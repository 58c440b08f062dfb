package org.mailgate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailgate.config.AddressRange;
import org.mailgate.config.AutoBanConfig;
import org.mailgate.config.ListenerConfig;
import org.mailgate.config.ListenerKind;
import org.mailgate.config.LoginThrottleConfig;
import org.mailgate.config.SendingLimitsConfig;
import org.mailgate.config.TlsConfig;

/** PROXY protocol listeners, and certificates chosen by SNI and reloaded without a restart. */
class ProxyAndTlsTest {
    @TempDir
    Path dataDir;

    private TestServer proxyServer() throws Exception {
        return proxyServer(org.mailgate.config.Limits.DEFAULTS);
    }

    private TestServer proxyServer(org.mailgate.config.Limits limits) throws Exception {
        return new TestServer(dataDir, config -> {
            List<ListenerConfig> listeners = new ArrayList<>(config.listeners());
            listeners.add(new ListenerConfig("127.0.0.1", 0, ListenerKind.INBOUND, true));
            return config.withListeners(listeners).withLimits(limits).withProtections(LoginThrottleConfig.DEFAULTS, SendingLimitsConfig.DEFAULTS,
                    AutoBanConfig.DEFAULTS, List.of(AddressRange.parse("127.0.0.1/32").orElseThrow()));
        });
    }

    private static int proxyPort(TestServer server) {
        return server.server.bound().stream().filter(b -> b.listener().proxyProtocol()).findFirst().orElseThrow().address().getPort();
    }

    private static void deliver(SmtpClient c) throws Exception {
        assertThat(c.reply()).startsWith("220 mx.test");
        c.command("EHLO proxied.test");
        c.command("MAIL FROM:<a@remote.example>");
        c.command("RCPT TO:<alice@example.com>");
        c.command("DATA");
        assertThat(c.command("Subject: via proxy\r\n\r\nhello\r\n.")).startsWith("250 2.0.0");
    }

    @Test
    @DisplayName("PROXY v1 from a trusted proxy: the server sees, logs and records the real client")
    void proxyV1() throws Exception {
        try (TestServer server = proxyServer(); SmtpClient c = new SmtpClient(proxyPort(server), server.certificate())) {
            c.write("PROXY TCP4 203.0.113.9 127.0.0.1 40000 25\r\n");
            deliver(c);
            String id = server.queue().get(0).envelope().id();
            assertThat(server.content(id)).contains("203.0.113.9");
        }
    }

    @Test
    @DisplayName("PROXY v2 (binary) from a trusted proxy")
    void proxyV2() throws Exception {
        try (TestServer server = proxyServer(); SmtpClient c = new SmtpClient(proxyPort(server), server.certificate())) {
            ByteArrayOutputStream header = new ByteArrayOutputStream();
            header.writeBytes(new byte[] {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A});
            header.write(0x21); // version 2, PROXY
            header.write(0x11); // TCP over IPv4
            header.writeBytes(ByteBuffer.allocate(2).putShort((short) 12).array());
            header.writeBytes(new byte[] {(byte) 198, 51, 100, 23}); // source
            header.writeBytes(new byte[] {127, 0, 0, 1}); // destination
            header.writeBytes(ByteBuffer.allocate(4).putShort((short) 40001).putShort((short) 25).array());
            c.write(header.toByteArray());
            deliver(c);
            assertThat(server.content(server.queue().get(0).envelope().id())).contains("198.51.100.23");
        }
    }

    @Test
    @DisplayName("a PROXY listener refuses peers that are not trusted proxies: anyone could claim any address")
    void untrustedPeerIsRefused() throws Exception {
        try (TestServer server = proxyServer();
                SmtpClient c = new SmtpClient(proxyPort(server), server.certificate(), "127.0.0.2")) {
            c.write("PROXY TCP4 203.0.113.9 127.0.0.1 40000 25\r\n");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    @DisplayName("a trusted proxy that sends no header is closed when the command timeout runs out")
    void missingHeaderTimesOut() throws Exception {
        var limits = org.mailgate.config.Limits.DEFAULTS.with(org.mailgate.config.Limits.COMMAND_TIMEOUT, java.time.Duration.ofMillis(500));
        try (TestServer server = proxyServer(limits); SmtpClient c = new SmtpClient(proxyPort(server), server.certificate())) {
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    @DisplayName("a malformed PROXY header closes the connection without a greeting")
    void malformedHeaderIsRefused() throws Exception {
        try (TestServer server = proxyServer(); SmtpClient c = new SmtpClient(proxyPort(server), server.certificate())) {
            c.write("EHLO not-a-proxy-header\r\n");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    @DisplayName("the self-signed certificate is made once, and again when the hostname changes")
    void selfSignedCertificateFollowsTheHostname() throws Exception {
        Path data = dataDir.resolve("own");
        TlsConfig first = SelfSignedCertificate.ensure(data, "mx.old.test", java.time.Clock.systemUTC());
        byte[] made = Files.readAllBytes(first.certificate());
        assertThat(Files.readAllBytes(SelfSignedCertificate.ensure(data, "MX.old.test", java.time.Clock.systemUTC()).certificate()))
                .as("the same hostname: kept").isEqualTo(made);
        TlsConfig renamed = SelfSignedCertificate.ensure(data, "mx.new.test", java.time.Clock.systemUTC());
        assertThat(Files.readAllBytes(renamed.certificate())).isNotEqualTo(made);
        try (TestServer server = serverWith(dataDir.resolve("data"), renamed)) {
            assertThat(servedName(server.port(ListenerKind.SUBMISSIONS), "mx.new.test")).isEqualTo("mx.new.test");
        }
    }

    @Test
    @DisplayName("each certificate serves the names it covers (SNI), and a replaced certificate is served without a restart")
    void sniAndReload() throws Exception {
        TlsConfig one = SelfSignedCertificate.ensure(dataDir.resolve("one"), "mail.one.test", java.time.Clock.systemUTC());
        TlsConfig two = SelfSignedCertificate.ensure(dataDir.resolve("two"), "mail.two.test", java.time.Clock.systemUTC());
        TlsConfig three = SelfSignedCertificate.ensure(dataDir.resolve("three"), "mail.three.test", java.time.Clock.systemUTC());
        Path certificate = Files.copy(one.certificate(), dataDir.resolve("cert.pem"));
        Path key = Files.copy(one.key(), dataDir.resolve("key.pem"));
        TlsConfig tls = new TlsConfig(certificate, key, List.of(new TlsConfig.CertificateFiles(two.certificate(), two.key())));
        try (TestServer server = serverWith(dataDir.resolve("data"), tls)) {
            int port = server.port(ListenerKind.SUBMISSIONS);
            assertThat(servedName(port, "mail.two.test")).isEqualTo("mail.two.test");
            assertThat(servedName(port, "mail.one.test")).isEqualTo("mail.one.test");
            assertThat(servedName(port, "unknown.test")).isEqualTo("mail.one.test"); // the default

            Files.copy(three.key(), key, StandardCopyOption.REPLACE_EXISTING);
            Files.copy(three.certificate(), certificate, StandardCopyOption.REPLACE_EXISTING);
            assertThat(awaitServed(port, "mail.one.test", "mail.three.test")).isEqualTo("mail.three.test");
        }
    }

    private static TestServer serverWith(Path data, TlsConfig tls) throws IOException {
        return new TestServer(data, config -> config.withTls(tls));
    }

    @Test
    @DisplayName("a certificate and a key that do not belong together stop the server at start, with both files named")
    void mismatchedPairIsRefusedAtStart() throws Exception {
        TlsConfig one = SelfSignedCertificate.ensure(dataDir.resolve("one"), "mail.one.test", java.time.Clock.systemUTC());
        TlsConfig other = SelfSignedCertificate.ensure(dataDir.resolve("other"), "mail.other.test", java.time.Clock.systemUTC());
        TlsConfig mismatched = new TlsConfig(one.certificate(), other.key());
        assertThatThrownBy(() -> serverWith(dataDir.resolve("data"), mismatched)).isInstanceOf(IOException.class)
                .hasMessage("TLS certificate " + one.certificate() + " and key " + other.key()
                        + " do not belong together (the key is not the one the certificate names)");
    }

    @Test
    @DisplayName("a hot reload to a pair that does not belong together keeps the pair in service and says why")
    void mismatchedPairIsNotReloaded() throws Exception {
        TlsConfig one = SelfSignedCertificate.ensure(dataDir.resolve("one"), "mail.one.test", java.time.Clock.systemUTC());
        TlsConfig other = SelfSignedCertificate.ensure(dataDir.resolve("other"), "mail.other.test", java.time.Clock.systemUTC());
        TlsConfig three = SelfSignedCertificate.ensure(dataDir.resolve("three"), "mail.three.test", java.time.Clock.systemUTC());
        Path certificate = Files.copy(one.certificate(), dataDir.resolve("cert.pem"));
        Path key = Files.copy(one.key(), dataDir.resolve("key.pem"));
        try (TestServer server = serverWith(dataDir.resolve("data"), new TlsConfig(certificate, key))) {
            int port = server.port(ListenerKind.SUBMISSIONS);
            Files.copy(other.key(), key, StandardCopyOption.REPLACE_EXISTING); // the wrong key for the certificate
            Thread.sleep(3_000); // past a reload check (every 2 s)
            assertThat(servedName(port, "mail.one.test")).as("TLS still works, with the pair in service").isEqualTo("mail.one.test");

            Files.copy(three.key(), key, StandardCopyOption.REPLACE_EXISTING);
            Files.copy(three.certificate(), certificate, StandardCopyOption.REPLACE_EXISTING);
            assertThat(awaitServed(port, "mail.one.test", "mail.three.test")).as("a good pair is taken up as before").isEqualTo("mail.three.test");
        }
    }

    /** Asks for {@code name} until the server presents {@code expected} (a reload happens within seconds), or 5 s pass. */
    private static String awaitServed(int port, String name, String expected) throws Exception {
        String served = "";
        for (int i = 0; i < 50 && !served.equals(expected); i++) {
            Thread.sleep(100);
            served = servedName(port, name);
        }
        return served;
    }

    /** The first DNS name of the certificate the server presents when asked for {@code name}. */
    private static String servedName(int port, String name) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new X509TrustManager() {
            public void checkClientTrusted(X509Certificate[] chain, String type) {}
            public void checkServerTrusted(X509Certificate[] chain, String type) {}
            public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
        }}, null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            var parameters = socket.getSSLParameters();
            parameters.setServerNames(List.of(new SNIHostName(name)));
            socket.setSSLParameters(parameters);
            socket.setSoTimeout(5000);
            socket.startHandshake();
            X509Certificate served = (X509Certificate) socket.getSession().getPeerCertificates()[0];
            return (String) served.getSubjectAlternativeNames().iterator().next().get(1);
        }
    }
}
