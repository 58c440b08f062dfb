package org.mailgate.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mailgate.auth.PasswordHashes;
import org.mailgate.auth.User;
import org.mailgate.auth.UserFile;
import org.mailgate.config.Limits;
import org.mailgate.config.ListenerKind;

/** Raw-socket tests of the rules that are on without configuration. */
class SecurityRulesTest extends SharedServer {
    private int queuedBefore;

    @BeforeEach
    void countQueue() throws Exception {
        queuedBefore = server.queue().size();
    }

    private SmtpClient submission() throws Exception {
        return new SmtpClient(server.port(ListenerKind.SUBMISSION), server.certificate());
    }

    private SmtpClient inbound() throws Exception {
        SmtpClient client = new SmtpClient(server.port(ListenerKind.INBOUND), server.certificate());
        assertThat(client.reply()).startsWith("220 mx.test ESMTP");
        assertThat(client.command("EHLO client.test")).startsWith("250-mx.test");
        return client;
    }

    @Test
    void authIsNeitherAdvertisedNorAcceptedBeforeStartTls() throws Exception {
        try (SmtpClient c = submission()) {
            c.reply();
            assertThat(c.command("EHLO client.test")).contains("STARTTLS").doesNotContain("AUTH");
            assertThat(c.command("AUTH PLAIN AGFsaWNlQGV4YW1wbGUuY29tAHNlY3JldA==")).isEqualTo("530 5.7.0 Must issue a STARTTLS command first");
            assertThat(c.command("MAIL FROM:<alice@example.com>")).isEqualTo("530 5.7.0 Must issue a STARTTLS command first");
            c.command("STARTTLS");
            c.upgrade();
            assertThat(c.command("EHLO client.test")).contains("AUTH PLAIN LOGIN");
            assertThat(c.command("MAIL FROM:<alice@example.com>")).isEqualTo("530 5.7.0 Authentication required");
        }
    }

    @Test
    void implicitTlsListenerSpeaksTlsFromTheFirstByte() throws Exception {
        try (SmtpClient c = SmtpClient.implicitTls(server.port(ListenerKind.SUBMISSIONS), server.certificate())) {
            assertThat(c.reply()).startsWith("220 mx.test");
            assertThat(c.command("EHLO client.test")).contains("AUTH PLAIN LOGIN").doesNotContain("STARTTLS");
        }
    }

    @Test
    void onlyTls12AndNewerAreOffered() throws Exception {
        var context = javax.net.ssl.SSLContext.getInstance("TLS");
        context.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
            public void checkClientTrusted(java.security.cert.X509Certificate[] c, String a) {}
            public void checkServerTrusted(java.security.cert.X509Certificate[] c, String a) {}
            public java.security.cert.X509Certificate[] getAcceptedIssuers() { return new java.security.cert.X509Certificate[0]; }
        }}, null);
        try (var socket = (javax.net.ssl.SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", server.port(ListenerKind.SUBMISSIONS))) {
            socket.setEnabledProtocols(new String[] {"TLSv1.1"});
            socket.setSoTimeout(5000);
            org.assertj.core.api.Assertions.assertThatThrownBy(socket::startHandshake).isInstanceOf(javax.net.ssl.SSLException.class);
        }
    }

    @Test
    void bytesPipelinedAfterStartTlsAreNeverExecuted() throws Exception {
        try (SmtpClient c = submission()) {
            c.reply();
            c.command("EHLO client.test");
            // CVE-2011-0411: the injected RSET must not answer, in clear text or later inside TLS.
            c.write("STARTTLS\r\nRSET\r\n");
            assertThat(c.reply()).isEqualTo("220 2.0.0 Ready to start TLS");
            c.upgrade();
            assertThat(c.command("NOOP")).isEqualTo("250 2.0.0 Ok");
        }
    }

    @Test
    void failedAuthAnswersAlikeForUnknownUserAndWrongPassword() throws Exception {
        String unknown = timedFailure("nobody@example.com", "secret");
        String wrong = timedFailure("alice@example.com", "not-the-password");
        assertThat(unknown).isEqualTo(wrong).isEqualTo("535 5.7.8 Authentication credentials invalid");
    }

    private long lastFailureMillis;

    private String timedFailure(String user, String password) throws Exception {
        try (SmtpClient c = submission()) {
            c.reply();
            c.command("EHLO client.test");
            c.command("STARTTLS");
            c.upgrade();
            c.command("EHLO client.test");
            String token = java.util.Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes());
            long start = System.nanoTime();
            String reply = c.command("AUTH PLAIN " + token);
            lastFailureMillis = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertThat(lastFailureMillis).as("failure delay").isGreaterThanOrEqualTo(TestServer.AUTH_FAILURE_DELAY.toMillis());
            return reply;
        }
    }

    @Test
    void authenticatedUserMaySendOnlyAsAddressesTheyOwn() throws Exception {
        try (SmtpClient c = submission().login("alice@example.com", "secret")) {
            assertThat(c.command("MAIL FROM:<bob@example.org>")).isEqualTo("553 5.7.1 Sender address rejected: not owned by authenticated user");
            assertThat(c.command("MAIL FROM:<>")).startsWith("553 5.7.1");
            assertThat(c.command("MAIL FROM:<sales@example.com>")).isEqualTo("250 2.1.0 Ok");
            assertThat(c.command("RCPT TO:<anyone@remote.example>")).isEqualTo("250 2.1.5 Ok");
            assertThat(c.command("DATA")).startsWith("354");
            c.write("From: Bob <bob@example.org>\r\nSubject: spoof\r\n\r\nhi\r\n.\r\n");
            assertThat(c.reply()).isEqualTo("553 5.7.1 From header rejected: address not owned by authenticated user");
        }
        assertThat(server.queue()).hasSize(queuedBefore);
    }

    @Test
    void submissionRefusesAnAddressOfOurDomainsThatNobodyHasAtRcpt() throws Exception {
        try (SmtpClient c = submission().login("alice@example.com", "secret")) {
            c.command("MAIL FROM:<alice@example.com>");
            assertThat(c.command("RCPT TO:<nobody-here@example.com>")).isEqualTo("550 5.1.1 Recipient address rejected: user unknown");
            assertThat(c.command("RCPT TO:<bob%remote.example@example.com>")).startsWith("550 5.1.1");
            assertThat(c.command("RCPT TO:<postmaster@example.com>")).isEqualTo("250 2.1.5 Ok");
            assertThat(c.command("RCPT TO:<alice@example.com>")).isEqualTo("250 2.1.5 Ok");
            assertThat(c.command("RCPT TO:<anyone@remote.example>")).isEqualTo("250 2.1.5 Ok");
        }
    }

    /** Submits as alice with this header section; returns the reply to the end of data. */
    private String submitAsAlice(String header) throws Exception {
        try (SmtpClient c = submission().login("alice@example.com", "secret")) {
            c.command("MAIL FROM:<alice@example.com>");
            c.command("RCPT TO:<anyone@remote.example>");
            c.command("DATA");
            c.write(header + "Subject: who\r\n\r\nhi\r\n.\r\n");
            return c.reply();
        }
    }

    @ParameterizedTest(name = "[{index}] From: {0}")
    @ValueSource(strings = {"<alice@example.com>bob@example.org", "\"Bob <alice@example.com>", "alice@example.com (bob@example.org)",
        "alice@example.com bob@example.org", "undisclosed-recipients:;"})
    @DisplayName("a From header that mail programs would read differently is refused (554 5.6.0), never guessed at")
    void ambiguousFromIsRefused(String from) throws Exception {
        assertThat(submitAsAlice("From: " + from + "\r\n"))
                .isEqualTo("554 5.6.0 Message refused: a header line or From/Sender address that mail programs read differently (RFC 5322 3.4)");
        assertThat(server.queue()).hasSize(queuedBefore);
    }

    @Test
    @DisplayName("RFC 6409 8: a Sender header must be the user's own too")
    void senderHeaderIsCheckedLikeFrom() throws Exception {
        assertThat(submitAsAlice("From: alice@example.com\r\nSender: bob@example.org\r\n"))
                .isEqualTo("553 5.7.1 Sender header rejected: address not owned by authenticated user");
        assertThat(submitAsAlice("From: \"Sales\" <sales@example.com>\r\nSender: alice@example.com\r\n")).startsWith("250 2.0.0 Ok: queued as ");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"[127.0.0.1]", "[10.0.0.1]", "[192.168.1.10]", "[169.254.169.254]", "[IPv6:::1]", "[IPv6:fe80::1]", "[IPv6:::ffff:127.0.0.1]"})
    @DisplayName("an address literal inside the server's own networks is refused: the server would connect there for the user")
    void internalAddressLiteralsAreRefused(String literal) throws Exception {
        try (SmtpClient c = submission().login("alice@example.com", "secret")) {
            c.command("MAIL FROM:<alice@example.com>");
            assertThat(c.command("RCPT TO:<root@" + literal + ">"))
                    .isEqualTo("550 5.7.1 Recipient address rejected: address literal names an internal network");
            assertThat(c.command("RCPT TO:<root@[192.0.2.7]>")).isEqualTo("250 2.1.5 Ok");
            assertThat(c.command("RCPT TO:<root@[tag:anything]>")).isEqualTo("501 5.1.3 Bad address syntax");
        }
    }

    @Test
    @DisplayName("every acknowledged message reads back: 400 recipients of ~270 octets (a 110 KB envelope) with max-recipients = 1000")
    void messageWithAHugeEnvelopeReadsBack(@org.junit.jupiter.api.io.TempDir java.nio.file.Path own) throws Exception {
        String longDomain = String.join(".", java.util.Collections.nCopies(4, "d".repeat(60))) + ".example"; // 252 octets
        try (TestServer big = new TestServer(own, config -> config.withLimits(config.limits().with(Limits.MAX_RECIPIENTS, 1000)));
                SmtpClient c = new SmtpClient(big.port(ListenerKind.SUBMISSION), big.certificate()).login("alice@example.com", "secret")) {
            c.command("MAIL FROM:<alice@example.com>");
            for (int i = 0; i < 400; i++) {
                assertThat(c.command("RCPT TO:<r" + i + "@" + longDomain + ">")).isEqualTo("250 2.1.5 Ok");
            }
            c.command("DATA");
            c.write("From: alice@example.com\r\nSubject: many\r\n\r\nhi\r\n.\r\n");
            assertThat(c.reply()).startsWith("250 2.0.0 Ok: queued as ");
            assertThat(big.queue()).singleElement().satisfies(q -> assertThat(q.envelope().recipients()).hasSize(400));
        }
    }

    @Test
    void userWhoMaySendAsAnyoneIsConfiguredPerUser() throws Exception {
        new UserFile(dataDir).update(users -> {
            users.add(new User("relay@example.com", new PasswordHashes().hash("pw"), List.of(), true));
            return users;
        });
        awaitUser("relay@example.com", "pw");
        try (SmtpClient c = submission().login("relay@example.com", "pw")) {
            assertThat(c.command("MAIL FROM:<newsletter@elsewhere.example>")).isEqualTo("250 2.1.0 Ok");
        }
    }

    @Test
    void runningServerSeesUserChangesWithoutRestart() throws Exception {
        new UserFile(dataDir).update(users -> {
            users.add(new User("new@example.com", new PasswordHashes().hash("fresh"), List.of(), false));
            return users;
        });
        awaitUser("new@example.com", "fresh");
        new UserFile(dataDir).update(users -> {
            users.removeIf(u -> u.address().equals("new@example.com"));
            return users;
        });
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (loginWorks("new@example.com", "fresh")) {
            assertThat(System.nanoTime()).as("removed user still logs in").isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    private static void awaitUser(String user, String password) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!loginWorks(user, password)) {
            assertThat(System.nanoTime()).as("user not seen by the running server").isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    private static boolean loginWorks(String user, String password) throws Exception {
        try (SmtpClient c = new SmtpClient(server.port(ListenerKind.SUBMISSION), server.certificate())) {
            c.login(user, password);
            return true;
        } catch (java.io.IOException e) {
            if (e.getMessage().startsWith("login failed")) {
                return false;
            }
            throw e;
        }
    }

    @Test
    void bareLineFeedInDataRefusesTheMessageAndQueuesNothing() throws Exception {
        try (SmtpClient c = inbound()) {
            c.command("MAIL FROM:<sender@remote.example>");
            c.command("RCPT TO:<alice@example.com>");
            c.command("DATA");
            c.write("Subject: smuggle\r\n\r\nhi\n.\nMAIL FROM:<admin@example.com>\r\nRCPT TO:<alice@example.com>\r\nDATA\r\nevil\r\n.\r\n");
            assertThat(c.reply()).isEqualTo("554 5.6.0 Message refused: bare CR or LF (RFC 5321 2.3.8)");
            assertThat(c.command("NOOP")).isEqualTo("250 2.0.0 Ok");
        }
        assertThat(server.queue()).hasSize(queuedBefore);
    }

    @Test
    void overlongCommandLineIsRefused() throws Exception {
        try (SmtpClient c = inbound()) {
            assertThat(c.command("NOOP " + "x".repeat(520))).isEqualTo("500 5.5.2 Line too long");
            c.write("x".repeat(2_000_000));
            assertThat(c.command("")).isEqualTo("500 5.5.2 Line too long");
            assertThat(c.command("NOOP")).isEqualTo("250 2.0.0 Ok");
        }
    }

    @Test
    void pipelinedTransactionOverTheNetwork() throws Exception {
        try (SmtpClient c = inbound()) {
            c.write("MAIL FROM:<s@remote.example>\r\nRCPT TO:<alice@example.com>\r\nRCPT TO:<bob@example.org>\r\nDATA\r\n");
            assertThat(List.of(c.reply(), c.reply(), c.reply(), c.reply()))
                    .containsExactly("250 2.1.0 Ok", "250 2.1.5 Ok", "250 2.1.5 Ok", "354 End data with <CR><LF>.<CR><LF>");
            c.write("Subject: pipelined\r\n\r\n..dot\r\n.\r\nQUIT\r\n");
            assertThat(c.reply()).startsWith("250 2.0.0 Ok: queued as ");
            assertThat(c.reply()).isEqualTo("221 2.0.0 Bye");
        }
        assertThat(server.queue()).hasSize(queuedBefore + 1);
    }

    @Test
    void sizeLimitsOnMailAndData() throws Exception {
        try (SmtpClient c = inbound()) {
            assertThat(c.command("MAIL FROM:<s@remote.example> SIZE=999999999")).isEqualTo("552 5.3.4 Message size exceeds fixed maximum message size");
        }
    }

    @Test
    void dataOverTheSizeLimitIsRefusedAndNotQueued() throws Exception {
        try (SmtpClient c = inbound()) {
            c.command("MAIL FROM:<s@remote.example>");
            c.command("RCPT TO:<alice@example.com>");
            c.command("DATA");
            byte[] line = ("x".repeat(998) + "\r\n").getBytes();
            for (int i = 0; i < 26 * 1024 * 1024 / line.length + 1; i++) {
                c.write(line);
            }
            c.write(".\r\n");
            assertThat(c.reply()).isEqualTo("552 5.3.4 Message size exceeds fixed maximum message size");
        }
        assertThat(server.queue()).hasSize(queuedBefore);
    }

    @Test
    void bdatOverTheNetwork() throws Exception {
        try (SmtpClient c = inbound()) {
            c.command("MAIL FROM:<s@remote.example>");
            c.command("RCPT TO:<alice@example.com>");
            String first = "Subject: chunked\r\n";
            assertThat(c.command("BDAT " + first.length() + "\r\n" + first.stripTrailing())).isEqualTo("250 2.0.0 " + first.length() + " octets received");
            String last = "\r\nbody\r\n";
            c.write("BDAT " + last.length() + " LAST\r\n" + last);
            String reply = c.reply();
            assertThat(reply).startsWith("250 2.0.0 Ok: queued as ");
            assertThat(server.content(reply.substring(reply.lastIndexOf(' ') + 1))).endsWith("Subject: chunked\r\n\r\nbody\r\n");
        }
    }

    @Test
    void connectionDroppedMidDataLeavesNothing() throws Exception {
        try (SmtpClient c = inbound()) {
            c.command("MAIL FROM:<s@remote.example>");
            c.command("RCPT TO:<alice@example.com>");
            c.command("DATA");
            c.write("Subject: cut\r\n\r\n" + "x".repeat(900) + "\r\n");
            c.write(("y".repeat(998) + "\r\n").repeat(400)); // past the in-memory threshold: a file exists
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!server.incomingFiles().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(server.incomingFiles()).isEmpty();
        assertThat(server.queue()).hasSize(queuedBefore);
    }

    @Test
    void submissionAddsMissingMessageIdAndDate() throws Exception {
        try (SmtpClient c = submission().login("alice@example.com", "secret")) {
            c.command("MAIL FROM:<alice@example.com>");
            c.command("RCPT TO:<carol@remote.example>");
            c.command("DATA");
            c.write("From: alice@example.com\r\nSubject: bare\r\n\r\nbody\r\n.\r\n");
            String reply = c.reply();
            String id = reply.substring(reply.lastIndexOf(' ') + 1);
            String content = server.content(id);
            assertThat(content).startsWith("Received: from client.test (127.0.0.1)\r\n\tby mx.test (Mailgate) with ESMTPSA id " + id);
            assertThat(content).contains("Message-ID: <" + id + "@mx.test>\r\n").containsPattern("\r\nDate: \\w{3}, \\d+ \\w{3} \\d{4} ");
            assertThat(content).endsWith("From: alice@example.com\r\nSubject: bare\r\n\r\nbody\r\n");
        }
    }
}
