package org.mailgate.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailgate.delivery.MailgateUnderTest.await;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailgate.config.DeliveryConfig;
import org.mailgate.spool.FileSpool;
import org.mailgate.spool.QueuedMessage;
import org.mailgate.spool.RecipientState;
import org.mailgate.testing.KnotDns;

/**
 * Outbound TLS policy: DANE from a DNSSEC-signed zone (Knot), MTA-STS from a policy served over
 * HTTPS on loopback, and the config's per-domain overrides. A policy that cannot be met defers
 * the message; it is never sent in plaintext.
 */
class TlsPolicyTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir static Path dir;
    static KnotDns dns;
    static HttpsServer policies;
    static MailgateUnderTest mailgate;
    static ScriptedReceiver dane;
    static ScriptedReceiver daneBad;
    static ScriptedReceiver daneNoTls;
    static ScriptedReceiver daneTa;
    static ScriptedReceiver stsBadCert;
    static ScriptedReceiver stsGood;
    static ScriptedReceiver required;
    static ScriptedReceiver plain;
    static ScriptedReceiver stsTesting;

    @BeforeAll
    static void start() throws Exception {
        TestCertificates.Identity ca = TestCertificates.authority("Mailgate Test CA");
        TestCertificates.Identity daneLeaf = TestCertificates.selfSigned("mail.dane.test");
        var contexts = new javax.net.ssl.SSLContext[] {daneLeaf.serverContext(), TestCertificates.selfSigned("mail.danebad.test").serverContext(),
            TestCertificates.issued(ca, "mail.danets.test").serverContext(), TestCertificates.selfSigned("mail.sts.test").serverContext(),
            TestCertificates.issued(ca, "mail.stsgood.test").serverContext(), TestCertificates.selfSigned("mail.plain.test").serverContext(),
            TestCertificates.selfSigned("mail.ststesting.test").serverContext()};
        int port = ScriptedReceiver.onOnePort(p -> {
            closeReceivers(); // of a try that found the port taken somewhere
            dane = ScriptedReceiver.accepting(address(2), p, contexts[0]);
            daneBad = ScriptedReceiver.accepting(address(3), p, contexts[1]);
            daneNoTls = ScriptedReceiver.accepting(address(4), p, null);
            daneTa = ScriptedReceiver.accepting(address(5), p, contexts[2]);
            stsBadCert = ScriptedReceiver.accepting(address(6), p, contexts[3]);
            stsGood = ScriptedReceiver.accepting(address(7), p, contexts[4]);
            required = ScriptedReceiver.accepting(address(8), p, null);
            plain = ScriptedReceiver.accepting(address(9), p, contexts[5]);
            stsTesting = ScriptedReceiver.accepting(address(10), p, contexts[6]);
        });

        policies = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        policies.setHttpsConfigurator(new HttpsConfigurator(
                TestCertificates.issued(ca, "mta-sts.sts.test", "mta-sts.stsgood.test", "mta-sts.ststesting.test").serverContext()));
        policies.createContext("/.well-known/mta-sts.txt", exchange -> {
            String host = exchange.getRequestHeaders().getFirst("Host");
            String mx = host.replace("mta-sts.", "mail.");
            String mode = host.startsWith("mta-sts.ststesting.") ? "testing" : "enforce";
            byte[] body = ("version: STSv1\r\nmode: " + mode + "\r\nmx: " + mx + "\r\nmax_age: 86400\r\n").getBytes(StandardCharsets.US_ASCII);
            exchange.getResponseHeaders().set("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        policies.start();

        String spki = sha256(daneLeaf.certificate().getPublicKey().getEncoded());
        String caCert = sha256(ca.certificate().getEncoded());
        dns = KnotDns.start(dir.resolve("dns"), """
                dane MX 10 mail.dane
                mail.dane A 127.0.0.2
                _%1$d._tcp.mail.dane TLSA 3 1 1 %2$s
                danebad MX 10 mail.danebad
                mail.danebad A 127.0.0.3
                _%1$d._tcp.mail.danebad TLSA 3 1 1 %2$s
                danenotls MX 10 mail.danenotls
                mail.danenotls A 127.0.0.4
                _%1$d._tcp.mail.danenotls TLSA 3 1 1 %2$s
                danets MX 10 mail.danets
                mail.danets A 127.0.0.5
                _%1$d._tcp.mail.danets TLSA 2 0 1 %3$s
                sts MX 10 mail.sts
                mail.sts A 127.0.0.6
                _mta-sts.sts TXT "v=STSv1; id=20261125"
                mta-sts.sts A 127.0.0.1
                stsgood MX 10 mail.stsgood
                mail.stsgood A 127.0.0.7
                _mta-sts.stsgood TXT "v=STSv1; id=20261125"
                mta-sts.stsgood A 127.0.0.1
                required MX 10 mail.required
                mail.required A 127.0.0.8
                plain MX 10 mail.plain
                mail.plain A 127.0.0.9
                ststesting MX 10 mail.ststesting
                mail.ststesting A 127.0.0.10
                _mta-sts.ststesting TXT "v=STSv1; id=20261125"
                mta-sts.ststesting A 127.0.0.1
                """.formatted(port, spki, caCert));
        DeliveryConfig base = MailgateUnderTest.testDelivery(dns, port);
        DeliveryConfig delivery = base.with(DeliveryConfig.CA_FILE, TestCertificates.writePem(ca.certificate(), dir.resolve("ca.pem")))
                .with(DeliveryConfig.RETRY_FIRST, Duration.ofSeconds(30)).with(DeliveryConfig.RETRY_MAX, Duration.ofMinutes(5))
                .with(DeliveryConfig.MTA_STS_PORT, policies.getAddress().getPort())
                .with(DeliveryConfig.TLS_POLICY, Map.of("required.test", DeliveryConfig.TlsMode.REQUIRE_TLS, "plain.test", DeliveryConfig.TlsMode.NONE))
                .with(DeliveryConfig.ALLOW_PRIVATE_LITERALS, false);
        mailgate = MailgateUnderTest.start(dir.resolve("data"), delivery);
    }

    private static void closeReceivers() throws java.io.IOException {
        ScriptedReceiver.closeAll(dane, daneBad, daneNoTls, daneTa, stsBadCert, stsGood, required, plain, stsTesting);
        dane = daneBad = daneNoTls = daneTa = stsBadCert = stsGood = required = plain = stsTesting = null;
    }

    @AfterAll
    static void stop() throws Exception {
        if (mailgate != null) {
            mailgate.close();
        }
        closeReceivers();
        if (policies != null) {
            policies.stop(0);
        }
        if (dns != null) {
            dns.close();
        }
    }

    @Test
    @DisplayName("RFC 7672: DANE-EE, a TLSA record matching the server's key, authenticates the TLS session")
    void daneEndEntityMatch() throws Exception {
        mailgate.submit(List.of("a@dane.test"), "dane ee");
        await("DANE delivery", WAIT, () -> dane.accepted.stream().anyMatch(t -> t.tls() && t.rcptTo().contains("a@dane.test")));
    }

    @Test
    @DisplayName("RFC 7672: DANE-TA, a TLSA record matching the issuing CA in the chain, authenticates the server")
    void daneTrustAnchorMatch() throws Exception {
        mailgate.submit(List.of("b@danets.test"), "dane ta");
        await("DANE-TA delivery", WAIT, () -> daneTa.accepted.stream().anyMatch(t -> t.tls() && t.rcptTo().contains("b@danets.test")));
    }

    @Test
    @DisplayName("RFC 7672: a certificate no TLSA record matches defers the message; no MAIL FROM is ever sent")
    void daneMismatchDefers() throws Exception {
        mailgate.submit(List.of("c@danebad.test"), "dane mismatch");
        String reply = awaitDeferred("c@danebad.test");
        assertThat(reply).contains("TLS").contains("DANE");
        assertThat(daneBad.commands).noneMatch(c -> c.startsWith("MAIL"));
    }

    @Test
    @DisplayName("RFC 7672 2.2: with TLSA records published, a server without STARTTLS gets nothing in plaintext")
    void daneWithoutStartTlsDefers() throws Exception {
        mailgate.submit(List.of("d@danenotls.test"), "dane no tls");
        assertThat(awaitDeferred("d@danenotls.test")).contains("does not offer STARTTLS");
        assertThat(daneNoTls.commands).noneMatch(c -> c.startsWith("MAIL"));
    }

    @Test
    @DisplayName("RFC 8461: MTA-STS enforce with a certificate no trusted CA issued defers; never plaintext")
    void mtaStsEnforceWithBadCertificateDefers() throws Exception {
        mailgate.submit(List.of("e@sts.test"), "sts bad cert");
        assertThat(awaitDeferred("e@sts.test")).contains("MTA-STS");
        assertThat(stsBadCert.commands).noneMatch(c -> c.startsWith("MAIL"));
    }

    @Test
    @DisplayName("RFC 8461: MTA-STS enforce with a valid certificate for the MX name delivers over TLS")
    void mtaStsEnforceWithValidCertificateDelivers() throws Exception {
        mailgate.submit(List.of("f@stsgood.test"), "sts good");
        await("MTA-STS delivery", WAIT, () -> stsGood.accepted.stream().anyMatch(t -> t.tls() && t.rcptTo().contains("f@stsgood.test")));
    }

    @Test
    @DisplayName("RFC 8461 5: MTA-STS testing mode only reports: a bad certificate does not stop delivery over TLS")
    void mtaStsTestingModeDoesNotBlock() throws Exception {
        mailgate.submit(List.of("i@ststesting.test"), "sts testing");
        await("delivery despite the policy", WAIT, () -> stsTesting.accepted.stream().anyMatch(t -> t.tls() && t.rcptTo().contains("i@ststesting.test")));
    }

    @Test
    @DisplayName("config tls-policy require-tls: a server without STARTTLS gets nothing")
    void requireTlsOverrideDefers() throws Exception {
        mailgate.submit(List.of("g@required.test"), "require tls");
        assertThat(awaitDeferred("g@required.test")).contains("does not offer STARTTLS");
        assertThat(required.commands).noneMatch(c -> c.startsWith("MAIL"));
    }

    @Test
    @DisplayName("config tls-policy none: the message goes in plaintext even where STARTTLS is offered")
    void noneOverrideSkipsTls() throws Exception {
        mailgate.submit(List.of("h@plain.test"), "plaintext by config");
        await("plaintext delivery", WAIT, () -> plain.accepted.stream().anyMatch(t -> !t.tls() && t.rcptTo().contains("h@plain.test")));
        assertThat(plain.commands).doesNotContain("STARTTLS");
    }

    /** Waits for the recipient's first deferral and returns its reply. */
    private static String awaitDeferred(String recipient) throws Exception {
        String[] reply = new String[1];
        await("a deferral for " + recipient, WAIT, () -> {
            try (FileSpool spool = FileSpool.openReadOnly(mailgate.dataDir)) {
                for (QueuedMessage m : spool.list()) {
                    RecipientState s = spool.state(m).recipients().get(org.mailgate.mail.Mailbox.stored(recipient));
                    if (s != null && s.attempts() > 0) {
                        assertThat(s.status()).isEqualTo(RecipientState.Status.PENDING);
                        reply[0] = s.lastReplyLine();
                        return true;
                    }
                }
                return false;
            } catch (IOException e) {
                return false;
            }
        });
        return reply[0];
    }

    private static InetAddress address(int last) throws IOException {
        return InetAddress.getByName("127.0.0." + last);
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
