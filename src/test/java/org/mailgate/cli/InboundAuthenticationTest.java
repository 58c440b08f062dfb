package org.mailgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailgate.auth.PasswordHashes;
import org.mailgate.auth.User;
import org.mailgate.auth.UserFile;
import org.mailgate.config.DeliveryConfig;
import org.mailgate.config.Limits;
import org.mailgate.config.ListenerConfig;
import org.mailgate.config.ListenerKind;
import org.mailgate.config.MailgateConfig;
import org.mailgate.spool.QueuedMessage;
import org.mailgate.testing.KnotDns;

/**
 * The inbound listener's SPF, DKIM and DMARC, end to end: a real server, its resolver asking a
 * Knot server on loopback for example.org's SPF, DKIM key and DMARC (p=reject) records, and a
 * client speaking SMTP over a socket. Messages are dkimpy's (resources/dkim).
 */
class InboundAuthenticationTest {
    @TempDir static Path dir;
    static KnotDns dns;
    static Mailgate mailgate;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        String keys = Files.readString(Path.of(InboundAuthenticationTest.class.getResource("/dkim/dkimpy.zone").toURI()))
                .replace("$ORIGIN example.org.\n", "").replace("._domainkey ", "._domainkey.example.org. ");
        dns = KnotDns.start(dir.resolve("dns"), "org.", keys + """
                example.org. 300 IN TXT "v=spf1 ip4:192.0.2.0/24 -all"
                _dmarc.example.org. 300 IN TXT "v=DMARC1; p=reject"
                relaxed.org. 300 IN TXT "v=spf1 ip4:127.0.0.1 -all"
                _dmarc.relaxed.org. 300 IN TXT "v=DMARC1; p=none"
                quarantine.org. 300 IN TXT "v=spf1 -all"
                _dmarc.quarantine.org. 300 IN TXT "v=DMARC1; p=quarantine"
                """, false);
        Path data = dir.resolve("data");
        new UserFile(data).update(users -> {
            users.add(new User("bob@example.net", new PasswordHashes().hash("unused-password"), List.of(), false));
            return users;
        });
        MailgateConfig config = new MailgateConfig("mx.test", data, Set.of("example.net"),
                List.of(new ListenerConfig("127.0.0.1", 0, ListenerKind.INBOUND)), null, Limits.DEFAULTS);
        config = config.withDelivery(config.delivery().with(DeliveryConfig.ENABLED, false)
                .with(DeliveryConfig.DNS_SERVERS, List.of(dns.server())).with(DeliveryConfig.DNSSEC, DeliveryConfig.Dnssec.OFF));
        mailgate = Mailgate.start(config, Clock.systemUTC());
        port = mailgate.server().bound().get(0).address().getPort();
    }

    @AfterAll
    static void stop() {
        if (mailgate != null) {
            mailgate.close();
        }
        if (dns != null) {
            dns.close();
        }
    }

    private static String message(String name) throws Exception {
        return new String(InboundAuthenticationTest.class.getResourceAsStream("/dkim/" + name).readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    /** Sends one message; returns the reply to the end of data. */
    private static String send(String sender, String content) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            OutputStream out = socket.getOutputStream();
            assertThat(in.readLine()).startsWith("220");
            for (String command : List.of("HELO client.example", "MAIL FROM:<" + sender + ">", "RCPT TO:<bob@example.net>", "DATA")) {
                out.write((command + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                String reply = in.readLine();
                assertThat(reply).as(command).matches("[23].*");
            }
            out.write((content + ".\r\n").getBytes(StandardCharsets.ISO_8859_1));
            String reply = in.readLine();
            out.write("QUIT\r\n".getBytes(StandardCharsets.ISO_8859_1));
            return reply;
        }
    }

    private static String queued(String reply) throws Exception {
        String id = reply.substring(reply.lastIndexOf(' ') + 1);
        try (var content = mailgate.spool().content(id)) {
            return new String(content.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private static double dmarcFailures() {
        var counter = mailgate.registry().find("mailgate.mailauth.results").tags("method", "dmarc", "result", "fail").counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void aSignedMessagePassesDkimAndDmarcAndAForgedResultsFieldIsRemoved() throws Exception {
        String forgedField = "Authentication-Results: mx.test; dkim=pass header.d=paypal.com\r\n";
        String reply = send("alice@example.org", forgedField + message("dkimpy-rsa-relaxed-relaxed.eml"));
        assertThat(reply).startsWith("250 2.0.0");
        String stored = queued(reply);
        assertThat(stored).startsWith("Authentication-Results: mx.test;\r\n")
                .contains("spf=fail (matched -all in the record of example.org) smtp.mailfrom=alice@example.org")
                .contains("dkim=pass header.d=example.org header.s=rsa")
                .contains("dmarc=pass (DKIM aligned with example.org) header.from=example.org policy.dmarc=reject")
                .doesNotContain("paypal.com");
    }

    @Test
    void aForgeryUnderPRejectIsRefusedAndNothingIsQueued() throws Exception {
        int before = mailgate.spool().list().size();
        double failed = dmarcFailures();
        String reply = send("alice@example.org", message("dkimpy-rsa-relaxed-relaxed.eml").replace("Hello", "Your invoice"));
        assertThat(reply).isEqualTo("550 5.7.1 Message rejected: it fails the DMARC policy (p=reject) of its From domain");
        assertThat(mailgate.spool().list()).hasSize(before);
        assertThat(dmarcFailures()).as("mailgate_mailauth_results_total{method=dmarc,result=fail}").isEqualTo(failed + 1);
    }

    @Test
    void aForgeryUnderPQuarantineIsAcceptedIntoTheJunkFolder() throws Exception {
        String reply = send("news@quarantine.org", "From: news@quarantine.org\r\nTo: bob@example.net\r\nSubject: prize\r\n\r\nwin\r\n");
        assertThat(reply).startsWith("250");
        String id = reply.substring(reply.lastIndexOf(' ') + 1);
        assertThat(mailgate.spool().find(id).orElseThrow().envelope().folder()).contains("Junk");
        assertThat(queued(reply)).contains("dmarc=fail (neither SPF nor DKIM passed aligned with quarantine.org) header.from=quarantine.org policy.dmarc=quarantine");
    }

    @Test
    void mailClaimingOurOwnDomainFromOutsideIsRefused() throws Exception {
        String reply = send("ceo@example.net", "From: ceo@example.net\r\nTo: bob@example.net\r\nSubject: wire money\r\n\r\nnow\r\n");
        assertThat(reply).startsWith("550 5.7.1 Message rejected: its From names a domain of ours");
    }

    @Test
    void spfPassAlignsUnderPNoneAndUnsignedMailIsReported() throws Exception {
        String reply = send("news@relaxed.org", "From: news@relaxed.org\r\nTo: bob@example.net\r\nSubject: hi\r\n\r\nhello\r\n");
        assertThat(reply).startsWith("250");
        assertThat(queued(reply)).contains("spf=pass").contains("dkim=none").contains("dmarc=pass (SPF aligned with relaxed.org)");
        List<QueuedMessage> all = mailgate.spool().list();
        assertThat(all).isNotEmpty();
    }

    @Test
    void spfJudgesTheSenderOfEachTransactionNotAnEarlierOne() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            OutputStream out = socket.getOutputStream();
            assertThat(in.readLine()).startsWith("220");
            // pipelined (RFC 2920): an abandoned transaction, then one message, then another from a second sender
            String message = "From: news@relaxed.org\r\nTo: bob@example.net\r\nSubject: hi\r\n\r\nhello\r\n.\r\n";
            out.write(("EHLO client.example\r\nMAIL FROM:<alice@example.org>\r\nRSET\r\n"
                    + "MAIL FROM:<news@relaxed.org>\r\nRCPT TO:<bob@example.net>\r\nDATA\r\n" + message
                    + "MAIL FROM:<alice@example.org>\r\nRCPT TO:<bob@example.net>\r\nDATA\r\n" + message + "QUIT\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            List<String> ends = new ArrayList<>();
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith("250 2.0.0 Ok: queued as")) {
                    ends.add(line);
                }
            }
            assertThat(ends).hasSize(2);
            assertThat(queued(ends.get(0))).contains("spf=pass").contains("smtp.mailfrom=news@relaxed.org");
            assertThat(queued(ends.get(1))).contains("spf=fail").contains("smtp.mailfrom=alice@example.org");
        }
    }
}
