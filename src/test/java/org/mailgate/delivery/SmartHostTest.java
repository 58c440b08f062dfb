package org.mailgate.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailgate.delivery.MailgateUnderTest.ALICE;
import static org.mailgate.delivery.MailgateUnderTest.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailgate.config.DeliveryConfig;
import org.mailgate.config.ListenerKind;
import org.mailgate.mail.DsnReturn;
import org.mailgate.mail.Mailbox;
import org.mailgate.mail.Notify;
import org.mailgate.spool.FileSpool;
import org.mailgate.spool.QueuedMessage;
import org.mailgate.spool.RecipientState;

/**
 * Relaying through a smart host: a second Mailgate is the upstream, and the message must arrive
 * in its queue through its submission listener, over verified STARTTLS, as the authenticated user.
 */
class SmartHostTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir static Path dir;
    static MailgateUnderTest upstream;
    static MailgateUnderTest relaying;
    static MailgateUnderTest wrongPassword;
    static MailgateUnderTest implicitTls;

    @BeforeAll
    static void start() throws Exception {
        upstream = MailgateUnderTest.acceptOnly(dir.resolve("upstream"));
        Path upstreamCertificate = dir.resolve("upstream/tls/self-signed-cert.pem");
        relaying = MailgateUnderTest.start(dir.resolve("relaying"), smartHost(upstreamCertificate, "secret"));
        wrongPassword = MailgateUnderTest.start(dir.resolve("wrong"), smartHost(upstreamCertificate, "not-the-password"));
        DeliveryConfig starttls = smartHost(upstreamCertificate, "secret");
        implicitTls = MailgateUnderTest.start(dir.resolve("implicit"), starttls.with(DeliveryConfig.SMART_HOST,
                new DeliveryConfig.SmartHostConfig("localhost", upstream.port(ListenerKind.SUBMISSIONS), true, ALICE, "secret", Set.of(), null)));
    }

    private static DeliveryConfig smartHost(Path ca, String password) {
        return DeliveryConfig.DEFAULTS.with(DeliveryConfig.DNS_SERVERS, List.of("127.0.0.1:9")).with(DeliveryConfig.DNSSEC, DeliveryConfig.Dnssec.OFF)
                .with(DeliveryConfig.CA_FILE, ca).with(DeliveryConfig.RETRY_FIRST, Duration.ofSeconds(30))
                .with(DeliveryConfig.RETRY_MAX, Duration.ofMinutes(5)).with(DeliveryConfig.CONNECT_TIMEOUT, Duration.ofSeconds(2))
                .with(DeliveryConfig.COMMAND_TIMEOUT, Duration.ofSeconds(10)).with(DeliveryConfig.SMART_HOST,
                        new DeliveryConfig.SmartHostConfig("localhost", upstream.submissionPort(), false, ALICE, password, Set.of(), null));
    }

    @AfterAll
    static void stop() {
        for (MailgateUnderTest m : new MailgateUnderTest[] {relaying, wrongPassword, implicitTls, upstream}) {
            if (m != null) {
                m.close();
            }
        }
    }

    @Test
    @DisplayName("every non-local message goes through the smart host, over verified STARTTLS with AUTH, DSN parameters carried")
    void relaysThroughTheUpstream() throws Exception {
        Properties dsn = new Properties();
        dsn.put("mail.smtp.dsn.notify", "FAILURE,DELAY");
        dsn.put("mail.smtp.dsn.ret", "HDRS");
        relaying.submit(List.of("carol@far.test", "dan@elsewhere.test"), "via the smart host", "through upstream\n", dsn);
        await("the upstream to queue the message", WAIT, () -> upstreamQueue().stream()
                .anyMatch(m -> m.envelope().recipients().size() == 2));
        QueuedMessage m = upstreamQueue().stream().filter(x -> x.envelope().recipients().size() == 2).findFirst().orElseThrow();
        assertThat(m.envelope().authenticatedUser()).contains(ALICE);
        assertThat(m.envelope().protocol()).isEqualTo("ESMTPSA");
        assertThat(m.envelope().sender()).contains(Mailbox.stored(ALICE));
        assertThat(m.envelope().ret()).contains(DsnReturn.HEADERS);
        assertThat(m.envelope().recipients()).extracting(r -> r.address().toString()).containsExactly("carol@far.test", "dan@elsewhere.test");
        assertThat(m.envelope().recipients()).allMatch(r -> r.notifyOn().equals(Set.of(Notify.DELAY, Notify.FAILURE)));
        String content;
        try (FileSpool spool = FileSpool.openReadOnly(upstream.dataDir)) {
            content = new String(spool.content(m.id()).readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(content).contains("Subject: via the smart host").contains("through upstream");
        await("the relaying queue to empty", WAIT, () -> {
            try {
                return relaying.queue().isEmpty();
            } catch (IOException e) {
                return false;
            }
        });
    }

    @Test
    @DisplayName("RFC 8314: a smart host on its implicit-TLS port (465) gets the mail over TLS from the first byte")
    void relaysOverImplicitTls() throws Exception {
        implicitTls.submit(List.of("fay@far.test"), "via implicit tls");
        await("the upstream to queue it", WAIT, () -> upstreamQueue().stream()
                .anyMatch(m -> m.envelope().recipients().get(0).address().equals(Mailbox.stored("fay@far.test"))
                        && m.envelope().authenticatedUser().equals(Optional.of(ALICE))));
    }

    @Test
    @DisplayName("RFC 4954: a smart host that offers only AUTH LOGIN gets LOGIN, with the password from the config")
    void authLoginWhereOnlyLoginIsOffered() throws Exception {
        TestCertificates.Identity ca = TestCertificates.authority("Smart Host CA");
        try (ScriptedReceiver loginOnly = new ScriptedReceiver(java.net.InetAddress.getLoopbackAddress(), 0,
                TestCertificates.issued(ca, "localhost").serverContext(), List.of("PIPELINING", "AUTH LOGIN"),
                r -> "250 2.1.5 ok", n -> new ScriptedReceiver.DataAnswer.ReplyWith("250 2.0.0 ok"))) {
            DeliveryConfig d = smartHost(TestCertificates.writePem(ca.certificate(), dir.resolve("login-ca.pem")), "pass word");
            DeliveryConfig toLoginOnly = d.with(DeliveryConfig.SMART_HOST, new DeliveryConfig.SmartHostConfig("localhost", loginOnly.port(), false,
                    "relay-user", "pass word", Set.of(), null));
            try (MailgateUnderTest sender = MailgateUnderTest.start(dir.resolve("login"), toLoginOnly)) {
                sender.submit(List.of("gus@far.test"), "auth login");
                await("the smart host to accept", WAIT, () -> loginOnly.accepted.size() == 1);
                assertThat(loginOnly.logins).containsExactly("relay-user:pass word");
                assertThat(loginOnly.accepted.get(0).tls()).isTrue();
            }
        }
    }

    @Test
    @DisplayName("a smart host that refuses the login defers the mail for the admin to fix; the sender gets no bounce")
    void refusedLoginDefers() throws Exception {
        wrongPassword.submit(List.of("erin@far.test"), "wrong password");
        await("a deferral", WAIT, () -> {
            try (FileSpool spool = FileSpool.openReadOnly(wrongPassword.dataDir)) {
                for (QueuedMessage q : spool.list()) {
                    RecipientState s = spool.state(q).recipients().get(Mailbox.stored("erin@far.test"));
                    if (s != null && s.attempts() > 0) {
                        return s.status() == RecipientState.Status.PENDING && s.lastReplyLine().contains("refused our login");
                    }
                }
                return false;
            } catch (IOException e) {
                return false;
            }
        });
        assertThat(wrongPassword.mailbox(ALICE)).isEmpty();
    }

    private static List<QueuedMessage> upstreamQueue() {
        try {
            return upstream.queue();
        } catch (IOException e) {
            return List.of();
        }
    }
}
