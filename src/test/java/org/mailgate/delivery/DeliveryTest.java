package org.mailgate.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.mailgate.delivery.MailgateUnderTest.ALICE;
import static org.mailgate.delivery.MailgateUnderTest.await;

import jakarta.mail.BodyPart;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailgate.mail.BodyType;
import org.mailgate.spool.DeliveryState;
import org.mailgate.spool.FileSpool;
import org.mailgate.spool.QueueIds;
import org.mailgate.spool.QueuedMessage;
import org.mailgate.spool.TestEnvelopes;
import org.mailgate.testing.KnotDns;

/**
 * Delivery from the queue to MX servers found in a real DNS server (Knot, on loopback), to
 * receivers the test scripts: each domain's MX host is its own loopback address, all on one port.
 */
class DeliveryTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir static Path dir;
    static KnotDns dns;
    static MailgateUnderTest mailgate;
    static int port;
    static ScriptedReceiver a;
    static ScriptedReceiver b;
    static ScriptedReceiver retry;
    static ScriptedReceiver reject;
    static ScriptedReceiver drop;
    static ScriptedReceiver aOnly;
    static ScriptedReceiver small;
    static ScriptedReceiver dualV6;
    static ScriptedReceiver dualV4;

    @BeforeAll
    static void start() throws Exception {
        dns = KnotDns.start(dir.resolve("dns"), """
                a MX 10 mail.a
                mail.a A 127.0.0.2
                mail.a AAAA ::1
                b MX 10 mail.b
                mail.b A 127.0.0.3
                retry MX 10 mail.retry
                mail.retry A 127.0.0.4
                reject MX 10 mail.reject
                mail.reject A 127.0.0.5
                drop MX 10 mail.drop
                mail.drop A 127.0.0.6
                nullmx MX 0 .
                aonly A 127.0.0.7
                prefs MX 20 mail.b
                prefs MX 10 dead.prefs
                dead.prefs A 127.0.0.8
                small MX 10 mail.small
                mail.small A 127.0.0.9
                dual MX 10 mail.dual
                mail.dual AAAA ::1
                mail.dual A 127.0.0.10
                """);
        boolean ipv6 = ScriptedReceiver.canListenOn(InetAddress.getByName("::1")); // else the IPv6 half of that test cannot run here
        var aTls = TestCertificates.selfSigned("mail.a.test").serverContext();
        port = ScriptedReceiver.onOnePort(p -> {
            closeReceivers(); // of a try that found the port taken somewhere
            a = ScriptedReceiver.accepting(InetAddress.getByName("127.0.0.2"), p, aTls);
            b = ScriptedReceiver.accepting(InetAddress.getByName("127.0.0.3"), p, null);
            retry = new ScriptedReceiver(InetAddress.getByName("127.0.0.4"), p, null, List.of("PIPELINING"), r -> "250 2.1.5 ok",
                    n -> new ScriptedReceiver.DataAnswer.ReplyWith(n == 1 ? "451 4.3.0 try again later" : "250 2.0.0 ok"));
            reject = new ScriptedReceiver(InetAddress.getByName("127.0.0.5"), p, null, List.of("PIPELINING"),
                    r -> r.startsWith("nobody") ? "550 5.1.1 <" + r + ">: no such user" : "250 2.1.5 ok",
                    n -> new ScriptedReceiver.DataAnswer.ReplyWith("250 2.0.0 ok"));
            drop = new ScriptedReceiver(InetAddress.getByName("127.0.0.6"), p, null, List.of(), r -> "250 2.1.5 ok",
                    n -> n == 1 ? new ScriptedReceiver.DataAnswer.HangUp() : new ScriptedReceiver.DataAnswer.ReplyWith("250 2.0.0 ok"));
            aOnly = ScriptedReceiver.accepting(InetAddress.getByName("127.0.0.7"), p, null);
            small = new ScriptedReceiver(InetAddress.getByName("127.0.0.9"), p, null, List.of("SIZE 100"), r -> "250 2.1.5 ok",
                    n -> new ScriptedReceiver.DataAnswer.ReplyWith("250 2.0.0 ok"));
            if (ipv6) {
                dualV6 = ScriptedReceiver.accepting(InetAddress.getByName("::1"), p, null);
                dualV6.greeting = "421 4.3.2 too busy on IPv6 today";
            }
            dualV4 = ScriptedReceiver.accepting(InetAddress.getByName("127.0.0.10"), p, null);
        });
        mailgate = MailgateUnderTest.start(dir.resolve("data"), MailgateUnderTest.testDelivery(dns, port));
    }

    private static void closeReceivers() throws IOException {
        ScriptedReceiver.closeAll(a, b, retry, reject, drop, aOnly, small, dualV6, dualV4);
        a = b = retry = reject = drop = aOnly = small = dualV6 = dualV4 = null;
    }

    @AfterAll
    static void stop() throws Exception {
        if (mailgate != null) {
            mailgate.close();
        }
        closeReceivers();
        if (dns != null) {
            dns.close();
        }
    }

    @Test
    @DisplayName("RFC 5321 5.1: a submitted message reaches the domain's MX over STARTTLS, IPv6 tried before IPv4, and leaves the queue")
    void deliversToTheMxOverStartTls() throws Exception {
        mailgate.submit(List.of("carol@a.test"), "to the MX");
        await("the MX to accept the message", WAIT, () -> a.accepted.stream().anyMatch(t -> t.data().contains("Subject: to the MX")));
        ScriptedReceiver.Transaction t = a.accepted.stream().filter(x -> x.data().contains("Subject: to the MX")).findFirst().orElseThrow();
        assertThat(t.tls()).as("opportunistic STARTTLS was used").isTrue();
        assertThat(t.mailFrom()).isEqualTo(ALICE);
        assertThat(t.rcptTo()).containsExactly("carol@a.test");
        assertThat(t.helo()).isEqualTo("mailgate.test");
        assertThat(t.data()).contains("Received: from").contains("Hello from the delivery test.");
        await("the queue to empty", WAIT, () -> queueIsEmpty());
    }

    @Test
    @DisplayName("RFC 5321 5.1: a host's IPv6 address is tried first; when it turns us away, its IPv4 address")
    void triesIpv6ThenIpv4() throws Exception {
        mailgate.submit(List.of("nina@dual.test"), "dual stack");
        await("the IPv4 address to accept", WAIT, () -> dualV4.accepted.stream().anyMatch(t -> t.rcptTo().contains("nina@dual.test")));
        assumeTrue(dualV6 != null, "no IPv6 loopback on this machine");
        assertThat(dualV6.connections.get()).as("the IPv6 address was tried").isPositive();
    }

    @Test
    @DisplayName("RFC 3461 NOTIFY=SUCCESS: a local delivery is confirmed to the sender with Action: delivered")
    void successNoticeForLocalDelivery() throws Exception {
        Properties success = new Properties();
        success.put("mail.smtp.dsn.notify", "SUCCESS");
        mailgate.submit(List.of(ALICE), "tell me it arrived", "x\n", success);
        MimeMessage notice = read(awaitNotice("Final-Recipient: rfc822; " + ALICE, "Action: delivered"));
        assertThat(notice.getSubject()).isEqualTo("Successful Mail Delivery Report");
        assertThat(text(((MimeMultipart) notice.getContent()).getBodyPart(1))).contains("Action: delivered").contains("Status: 2.0.0");
    }

    @Test
    @DisplayName("RFC 5321 4.5.1: mail to postmaster@ a local domain is delivered to the first user's mailbox")
    void postmasterMailReachesTheFirstUser() throws Exception {
        mailgate.submit(List.of("PostMaster@example.com"), "for the postmaster");
        await("the postmaster's message in alice's Maildir", WAIT, () -> mailboxHas(ALICE, "Subject: for the postmaster"));
        // Mail is private: the message 0600, every folder of the Maildir 0700
        Path message = mailgate.mailbox(ALICE).get(0);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(message))).isEqualTo("rw-------");
        for (Path folder : List.of(message.getParent(), message.getParent().getParent(), message.getParent().getParent().getParent())) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder))).as(folder.toString()).isEqualTo("rwx------");
        }
    }

    private static boolean mailboxHas(String user, String text) {
        try {
            for (Path file : mailgate.mailbox(user)) {
                if (Files.readString(file).contains(text)) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    @DisplayName("RFC 5321 5.1: an address literal is delivered to that address, without DNS")
    void deliversToAnAddressLiteral() throws Exception {
        mailgate.submit(List.of("oscar@[127.0.0.3]"), "to a literal");
        await("the literal's host to accept", WAIT, () -> b.accepted.stream().anyMatch(t -> t.rcptTo().contains("oscar@[127.0.0.3]")));
    }

    @Test
    @DisplayName("RFC 5321 4.5.2: a body line that starts with '.' arrives as written (stuffed on the wire), and an address named twice gets one RCPT")
    void dotLinesAndDuplicateRecipients() throws Exception {
        Instant now = Instant.now();
        String id = new QueueIds().next(now.toEpochMilli());
        mailgate.server.spool().enqueue(TestEnvelopes.envelope(id, now).submittedBy(ALICE).to("quinn@b.test", "quinn@b.test").build(),
                "Subject: dots\r\n\r\n.a line with a dot\r\n..two dots\r\n".getBytes(StandardCharsets.US_ASCII));
        await("the message", WAIT, () -> b.accepted.stream().anyMatch(t -> t.rcptTo().contains("quinn@b.test")));
        ScriptedReceiver.Transaction t = b.accepted.stream().filter(x -> x.rcptTo().contains("quinn@b.test")).findFirst().orElseThrow();
        assertThat(t.data()).endsWith("\r\n.a line with a dot\r\n..two dots\r\n");
        assertThat(t.rcptTo()).containsExactly("quinn@b.test");
    }

    @Test
    @DisplayName("RFC 5321 5.1: without MX records, the domain's own address record is the mail server")
    void fallsBackToTheAddressRecord() throws Exception {
        mailgate.submit(List.of("dave@aonly.test"), "implicit MX");
        await("the A-only host to accept", WAIT, () -> aOnly.accepted.stream().anyMatch(t -> t.data().contains("Subject: implicit MX")));
    }

    @Test
    @DisplayName("RFC 5321 5.1: the most preferred MX first; when it cannot be reached, the next")
    void triesTheNextMxByPreference() throws Exception {
        mailgate.submit(List.of("erin@prefs.test"), "second MX");
        await("the second MX to accept", WAIT, () -> b.accepted.stream().anyMatch(t -> t.rcptTo().contains("erin@prefs.test")));
    }

    @Test
    @DisplayName("a 4xx reply is retried on schedule until the server accepts, and the message is delivered once")
    void retriesAfterTemporaryFailure() throws Exception {
        mailgate.submit(List.of("frank@retry.test"), "retry me");
        await("the retry to be accepted", WAIT, () -> retry.accepted.size() == 1);
        assertThat(retry.transactions.get()).isEqualTo(2);
        await("the queue to empty", WAIT, () -> queueIsEmpty());
        assertThat(retry.accepted).hasSize(1);
    }

    @Test
    @DisplayName("RFC 3464: a 5xx reply bounces: a multipart/report with the remote reply reaches the sender's mailbox")
    void permanentFailureBouncesToTheSender() throws Exception {
        mailgate.submit(List.of("nobody@reject.test", "somebody@reject.test"), "will bounce");
        Path file = awaitNotice("Final-Recipient: rfc822; nobody@reject.test", "Subject: will bounce");
        await("the other recipient to get the message", WAIT, () -> reject.accepted.stream().anyMatch(t -> t.rcptTo().contains("somebody@reject.test")));
        MimeMessage bounce = read(file);
        assertThat(bounce.getSubject()).isEqualTo("Undelivered Mail Returned to Sender");
        assertThat(bounce.getContentType()).contains("multipart/report").contains("report-type=delivery-status");
        assertThat(bounce.getHeader("Auto-Submitted")[0]).isEqualTo("auto-replied");
        MimeMultipart parts = (MimeMultipart) bounce.getContent();
        assertThat(parts.getCount()).isEqualTo(3);
        String status = text(parts.getBodyPart(1));
        assertThat(parts.getBodyPart(1).getContentType()).startsWith("message/delivery-status");
        assertThat(status).contains("Reporting-MTA: dns; mailgate.test")
                .contains("Final-Recipient: rfc822; nobody@reject.test")
                .contains("Action: failed")
                .contains("Status: 5.1.1")
                .contains("Remote-MTA: dns; mail.reject.test")
                .contains("Diagnostic-Code: smtp; 550 5.1.1 <nobody@reject.test>: no such user")
                .doesNotContain("somebody@reject.test");
        assertThat(parts.getBodyPart(2).getContentType()).startsWith("text/rfc822-headers");
        assertThat(text(parts.getBodyPart(2))).contains("Subject: will bounce");
        assertThat(Files.readString(file)).startsWith("Return-Path: <>\n");
    }

    @Test
    @DisplayName("RFC 7505: a null MX bounces at once, without a connection attempt")
    void nullMxBouncesAtOnce() throws Exception {
        mailgate.submit(List.of("gina@nullmx.test"), "null mx");
        MimeMessage notice = read(awaitNotice("Final-Recipient: rfc822; gina@nullmx.test"));
        assertThat(text(((MimeMultipart) notice.getContent()).getBodyPart(1))).contains("Status: 5.1.10")
                .contains("Final-Recipient: rfc822; gina@nullmx.test");
    }

    @Test
    @DisplayName("a domain that does not exist bounces with 5.1.2")
    void missingDomainBounces() throws Exception {
        mailgate.submit(List.of("hank@nowhere.test"), "no such domain");
        MimeMessage notice = read(awaitNotice("Final-Recipient: rfc822; hank@nowhere.test"));
        assertThat(text(((MimeMultipart) notice.getContent()).getBodyPart(1))).contains("Status: 5.1.2");
    }

    @Test
    @DisplayName("RFC 1870: a message larger than the server's SIZE is not sent; it bounces with 5.3.4")
    void honoursTheServersSizeLimit() throws Exception {
        mailgate.submit(List.of("ivy@small.test"), "too big for you");
        MimeMessage notice = read(awaitNotice("Final-Recipient: rfc822; ivy@small.test"));
        assertThat(text(((MimeMultipart) notice.getContent()).getBodyPart(1))).contains("Status: 5.3.4");
        assertThat(small.commands).noneMatch(c -> c.startsWith("MAIL"));
    }

    @Test
    @DisplayName("a connection dropped mid-DATA is retried; the other domain's recipient, already delivered, gets no second copy")
    void droppedConnectionIsRetriedWithoutDuplicates() throws Exception {
        mailgate.submit(List.of("jack@drop.test", "kate@b.test"), "dropped once");
        await("the dropping server to accept on retry", WAIT, () -> drop.accepted.size() == 1);
        await("the queue to empty", WAIT, () -> queueIsEmpty());
        assertThat(drop.transactions.get()).isEqualTo(2);
        assertThat(b.accepted.stream().filter(t -> t.data().contains("Subject: dropped once"))).hasSize(1);
    }

    @Test
    @DisplayName("the next message to the same server reuses the open connection (RSET, then MAIL) instead of a new one")
    void reusesTheConnectionToTheSameServer() throws Exception {
        mailgate.submit(List.of("lara@b.test"), "first of two");
        await("the first", WAIT, () -> b.accepted.stream().anyMatch(t -> t.rcptTo().contains("lara@b.test")));
        int connections = b.connections.get();
        mailgate.submit(List.of("mike@b.test"), "second of two");
        await("the second", WAIT, () -> b.accepted.stream().anyMatch(t -> t.rcptTo().contains("mike@b.test")));
        assertThat(b.connections.get()).isEqualTo(connections);
    }

    @Test
    @DisplayName("RFC 6531 3.2: a message that needs SMTPUTF8 is not sent to a server without it; it bounces with 5.6.7")
    void smtpUtf8NeededButNotOffered() throws Exception {
        Instant now = Instant.now();
        String id = new QueueIds().next(now.toEpochMilli());
        mailgate.server.spool().enqueue(TestEnvelopes.envelope(id, now).submittedBy(ALICE).smtpUtf8("UTF8SMTPSA").body(BodyType.EIGHT_BIT_MIME)
                .to("jürgen@b.test").build(),
                "Subject: =?utf-8?q?gr=C3=BC=C3=9Fe?=\r\n\r\nhallo\r\n".getBytes(StandardCharsets.UTF_8));
        MimeMessage notice = read(awaitNotice("Final-Recipient: rfc822; jürgen@b.test"));
        assertThat(text(((MimeMultipart) notice.getContent()).getBodyPart(1))).contains("Status: 5.6.7")
                .contains("does not support SMTPUTF8");
        assertThat(b.commands).noneMatch(c -> c.contains("jürgen"));
    }

    @Test
    @DisplayName("RFC 6152: 8-bit content is not sent to a server without 8BITMIME; it bounces with 5.6.3")
    void eightBitNeededButNotOffered() throws Exception {
        Instant now = Instant.now();
        String id = new QueueIds().next(now.toEpochMilli());
        mailgate.server.spool().enqueue(TestEnvelopes.envelope(id, now).submittedBy(ALICE).body(BodyType.EIGHT_BIT_MIME).to("paul@retry.test").build(),
                "Subject: 8bit\r\n\r\nGr\u00fc\u00dfe\r\n".getBytes(StandardCharsets.UTF_8));
        MimeMessage notice = read(awaitNotice("Final-Recipient: rfc822; paul@retry.test"));
        assertThat(text(((MimeMultipart) notice.getContent()).getBodyPart(1))).contains("Status: 5.6.3")
                .contains("Final-Recipient: rfc822; paul@retry.test");
        assertThat(retry.commands).noneMatch(c -> c.contains("paul@retry.test"));
    }

    @Test
    @DisplayName("RFC 3461 NOTIFY=NEVER: a failure tells the sender nothing")
    void notifyNeverSuppressesTheBounce() throws Exception {
        Properties never = new Properties();
        never.put("mail.smtp.dsn.notify", "NEVER");
        mailgate.submit(List.of("nobody@reject.test"), "never tell", "x\n", never);
        await("the queue to empty", WAIT, () -> queueIsEmpty());
        Thread.sleep(300);
        assertThat(noticeWith("Subject: never tell")).isEmpty();
    }

    @Test
    @DisplayName("RFC 5321 4.5.5: a bounce that cannot be delivered is held for the postmaster, never bounced again")
    void undeliverableBounceIsHeld() throws Exception {
        Instant now = Instant.now();
        String id = new QueueIds().next(now.toEpochMilli());
        mailgate.server.spool().enqueue(TestEnvelopes.envelope(id, now).local("mailgate.test").to("nobody@reject.test").build(),
                "Subject: a bounce\r\n\r\nbody\r\n".getBytes());
        await("the bounce to be held", WAIT, () -> held(id));
        assertThat(mailgate.queue()).extracting(QueuedMessage::id).contains(id);
    }

    private static boolean held(String id) {
        try (FileSpool spool = FileSpool.openReadOnly(mailgate.dataDir)) {
            return spool.find(id).map(m -> {
                try {
                    DeliveryState s = spool.state(m);
                    return s.held();
                } catch (IOException e) {
                    return false;
                }
            }).orElse(false);
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean queueIsEmpty() {
        try {
            return mailgate.queue().stream().noneMatch(m -> !m.envelope().sender().isEmpty() || !held(m.id()));
        } catch (IOException e) {
            return false;
        }
    }

    /** The notice in alice's mailbox that contains all of {@code needles}, once it arrives. */
    private static Path awaitNotice(String... needles) throws Exception {
        await("a notice with " + List.of(needles), WAIT, () -> noticeWith(needles).isPresent());
        return noticeWith(needles).orElseThrow();
    }

    private static Optional<Path> noticeWith(String... needles) {
        try {
            for (Path file : mailgate.mailbox(ALICE)) {
                String text = Files.readString(file);
                if (text.contains("report-type=delivery-status") && List.of(needles).stream().allMatch(text::contains)) {
                    return Optional.of(file);
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static MimeMessage read(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return new MimeMessage(Session.getInstance(new Properties()), in);
        }
    }

    static String text(BodyPart part) throws Exception {
        try (InputStream in = part.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
