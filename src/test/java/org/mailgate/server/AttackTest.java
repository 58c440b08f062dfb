package org.mailgate.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.mailgate.auth.UnlockRequests;
import org.mailgate.config.AddressRange;
import org.mailgate.config.AutoBanConfig;
import org.mailgate.config.Limits;
import org.mailgate.config.ListenerConfig;
import org.mailgate.config.ListenerKind;
import org.mailgate.config.LoginThrottleConfig;
import org.mailgate.config.SendingLimitsConfig;
import org.mailgate.smtp.SmugglingVectors;

/**
 * What attackers do to a mail server, over real sockets, each against a server of its own with
 * the default protections (short delays, so the suite stays quick): the replies, and that
 * nothing is queued. Every client address is on loopback; 127.0.0.0/8 gives as many as needed.
 */
class AttackTest {
    @TempDir
    Path dataDir;

    /** Defaults throughout, with short AUTH delays so a thousand failed logins take seconds. */
    private TestServer server() throws IOException {
        return new TestServer(dataDir, config -> config
                .withLimits(Limits.DEFAULTS.with(Limits.AUTH_FAILURE_DELAY, Duration.ofMillis(5)))
                .withProtections(LoginThrottleConfig.DEFAULTS.with(LoginThrottleConfig.MAX_DELAY, Duration.ofMillis(40)), SendingLimitsConfig.DEFAULTS, AutoBanConfig.DEFAULTS, List.of()));
    }

    private static SmtpClient inbound(TestServer server, String from) throws IOException {
        SmtpClient c = new SmtpClient(server.port(ListenerKind.INBOUND), server.certificate(), from);
        assertThat(c.reply()).startsWith("220");
        c.command("EHLO attacker.test");
        return c;
    }

    private static String plain(String user, String password) {
        return Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
    }

    static Stream<Arguments> falseEndsOverDataAndBdat() {
        return SmugglingVectors.FALSE_ENDS.stream()
                .flatMap(end -> Stream.of("DATA", "BDAT").map(command -> Arguments.of(command, SmugglingVectors.show(end), end)));
    }

    @ParameterizedTest(name = "{0}, false end of data {1}")
    @MethodSource("falseEndsOverDataAndBdat")
    @DisplayName("SMTP smuggling (CVE-2023-51764): no false end of data ends the message or runs a command, over DATA or BDAT")
    void smugglingOnTheWire(String command, String name, String falseEnd) throws Exception {
        try (TestServer server = server(); SmtpClient c = inbound(server, "127.0.0.1")) {
            c.command("MAIL FROM:<a@remote.example>");
            c.command("RCPT TO:<alice@example.com>");
            String content = "Subject: smuggle\r\n\r\nhello" + falseEnd
                    + "MAIL FROM:<ceo@example.com>\r\nRCPT TO:<alice@example.com>\r\nDATA\r\nSubject: forged\r\n\r\nforged\r\n";
            if (command.equals("DATA")) {
                assertThat(c.command("DATA")).startsWith("354");
                c.write(content + ".\r\n");
            } else {
                c.write("BDAT " + content.getBytes(StandardCharsets.UTF_8).length + " LAST\r\n" + content);
            }
            assertThat(c.reply()).startsWith("554 5.6.0");
            assertThat(c.command("NOOP")).isEqualTo("250 2.0.0 Ok"); // the smuggled commands never answered
            assertThat(server.queue()).isEmpty();
        }
    }

    /** The header section of the spoof: bare LFs, so a reader that ends lines at LF sees Bob as the author. */
    private static final String SPOOF = "Subject: invoice\nFrom: \"Bob\" <bob@example.org>\nTo: bob@example.org\n\r\n"
            + "From: alice@example.com\r\n\r\nPlease pay.\r\n";

    @Test
    @DisplayName("a user cannot pass off a From of someone else's in BDAT behind bare LFs: refused as over DATA (554 5.6.0)")
    void bdatFromSpoofBehindBareLineFeeds() throws Exception {
        try (TestServer server = server();
                SmtpClient c = new SmtpClient(server.port(ListenerKind.SUBMISSION), server.certificate()).login("alice@example.com", "secret")) {
            assertThat(c.command("MAIL FROM:<alice@example.com>")).startsWith("250");
            assertThat(c.command("RCPT TO:<bob@example.org>")).startsWith("250");
            c.write("BDAT " + SPOOF.length() + " LAST\r\n" + SPOOF);
            assertThat(c.reply()).isEqualTo("554 5.6.0 Message refused: bare CR or LF (RFC 5321 2.3.8)");
            assertThat(c.command("MAIL FROM:<alice@example.com>")).startsWith("250");
            assertThat(c.command("RCPT TO:<bob@example.org>")).startsWith("250");
            assertThat(c.command("DATA")).startsWith("354");
            c.write(SPOOF + ".\r\n");
            assertThat(c.reply()).isEqualTo("554 5.6.0 Message refused: bare CR or LF (RFC 5321 2.3.8)");
            assertThat(server.queue()).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"DATA", "BDAT"})
    @DisplayName("bare-line-feed = normalize: the spoof's bare LFs become line ends, and the From it hid is checked and refused")
    void normalizedSpoofIsCheckedOnTheLinesReadersSee(String command) throws Exception {
        try (TestServer server = new TestServer(dataDir, config -> config.withLimits(config.limits().with(Limits.NORMALIZE_BARE_LINE_FEEDS, true)));
                SmtpClient c = new SmtpClient(server.port(ListenerKind.SUBMISSION), server.certificate()).login("alice@example.com", "secret")) {
            c.command("MAIL FROM:<alice@example.com>");
            c.command("RCPT TO:<bob@example.org>");
            if (command.equals("DATA")) {
                c.command("DATA");
                c.write(SPOOF + ".\r\n");
            } else {
                c.write("BDAT " + SPOOF.length() + " LAST\r\n" + SPOOF);
            }
            assertThat(c.reply()).isEqualTo("553 5.7.1 From header rejected: address not owned by authenticated user");
            assertThat(server.queue()).isEmpty();
        }
    }

    /** Connections that never send a byte: a TLS listener waits for their ClientHello. */
    private static List<Socket> silentConnections(int port, int addresses, int perAddress) throws IOException {
        List<Socket> sockets = new ArrayList<>();
        for (int a = 0; a < addresses; a++) {
            for (int i = 0; i < perAddress; i++) {
                Socket socket = new Socket();
                socket.bind(new InetSocketAddress("127.0.0." + (2 + a), 0));
                socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
                socket.setSoTimeout(1);
                sockets.add(socket);
            }
        }
        return sockets;
    }

    private static void awaitClosedByServer(List<Socket> sockets, long count, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (closedByServer(sockets) < count && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }

    private static long closedByServer(List<Socket> sockets) {
        return sockets.stream().filter(socket -> {
            try {
                return socket.getInputStream().read() == -1;
            } catch (java.net.SocketTimeoutException stillOpen) {
                return false;
            } catch (IOException reset) {
                return true;
            }
        }).count();
    }

    private static void closeAll(List<Socket> sockets) {
        for (Socket socket : sockets) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // the server closed it first
            }
        }
    }

    @Test
    @DisplayName("1,000 connections that never send a ClientHello (20 addresses x 50) hold only their share of handshakes: TLS works for everyone else")
    void silentHandshakesFromTwentyAddresses() throws Exception {
        try (TestServer server = server()) {
            List<Socket> holders = silentConnections(server.port(ListenerKind.SUBMISSIONS), 20, 50);
            try {
                awaitClosedByServer(holders, 20 * 40, Duration.ofSeconds(10));
                assertThat(closedByServer(holders)).as("each address keeps %d handshakes, the rest are closed",
                        Limits.DEFAULTS.maxTlsHandshakesPerAddress()).isEqualTo(20 * (50 - Limits.DEFAULTS.maxTlsHandshakesPerAddress()));
                try (SmtpClient c = SmtpClient.implicitTls(server.port(ListenerKind.SUBMISSIONS), server.certificate())) {
                    assertThat(c.reply()).startsWith("220 mx.test");
                }
                try (SmtpClient c = new SmtpClient(server.port(ListenerKind.SUBMISSION), server.certificate()).login("alice@example.com", "secret")) {
                    assertThat(c.command("NOOP")).isEqualTo("250 2.0.0 Ok");
                }
            } finally {
                closeAll(holders);
            }
        }
    }

    @Test
    @DisplayName("when silent handshakes fill every slot, those past 5 s make way (the configured timeout is 60 s) and a real client gets through")
    void silentHandshakesUnderPressureAreCutShort() throws Exception {
        try (TestServer server = new TestServer(dataDir, config -> config.withLimits(Limits.DEFAULTS
                .with(Limits.TLS_HANDSHAKE_TIMEOUT, Duration.ofSeconds(60)).with(Limits.MAX_TLS_HANDSHAKES, 20)
                .with(Limits.MAX_TLS_HANDSHAKES_PER_ADDRESS, 4)))) {
            // 8 addresses x 4: the 20 slots are all taken by silent clients, the other 12 are turned away
            List<Socket> holders = silentConnections(server.port(ListenerKind.SUBMISSIONS), 8, 4);
            try {
                awaitClosedByServer(holders, 12, Duration.ofSeconds(10));
                assertThat(closedByServer(holders)).isEqualTo(12);
                long start = System.nanoTime();
                String greeting = null;
                while (greeting == null && System.nanoTime() - start < Duration.ofSeconds(20).toNanos()) {
                    try (SmtpClient c = SmtpClient.implicitTls(server.port(ListenerKind.SUBMISSIONS), server.certificate())) {
                        greeting = c.reply();
                    } catch (IOException noSlotYet) {
                        Thread.sleep(250);
                    }
                }
                long waited = Duration.ofNanos(System.nanoTime() - start).toSeconds();
                assertThat(greeting).as("a real client got TLS, after %ds", waited).startsWith("220 mx.test");
                assertThat(waited).isBetween(3L, 15L);
                // The client took over a silent handshake past 5 s (or the sweep, with every slot in use, cut them all)
                assertThat(closedByServer(holders)).as("silent handshakes made way").isGreaterThan(12);
            } finally {
                closeAll(holders);
            }
        }
    }

    @Test
    void authWithBadBase64AndAuthAbortedWithStar() throws Exception {
        try (TestServer server = server();
                SmtpClient c = new SmtpClient(server.port(ListenerKind.SUBMISSION), server.certificate())) {
            c.reply();
            c.command("EHLO client.test");
            c.command("STARTTLS");
            c.upgrade();
            c.command("EHLO client.test");
            assertThat(c.command("AUTH PLAIN not*base64!")).isEqualTo("501 5.5.2 Invalid base64 data");
            assertThat(c.command("AUTH LOGIN")).startsWith("334 ");
            assertThat(c.command("*")).isEqualTo("501 5.0.0 Authentication cancelled");
            assertThat(c.command("MAIL FROM:<alice@example.com>")).isEqualTo("530 5.7.0 Authentication required");
        }
    }

    @Test
    @DisplayName("a 10 MB line is refused, never buffered, and the session goes on")
    void tenMegabyteLine() throws Exception {
        try (TestServer server = server(); SmtpClient c = inbound(server, "127.0.0.1")) {
            byte[] line = new byte[10 * 1024 * 1024];
            java.util.Arrays.fill(line, (byte) 'A');
            c.write(line);
            c.write("\r\n");
            assertThat(c.reply()).isEqualTo("500 5.5.2 Line too long");
            assertThat(c.command("NOOP")).isEqualTo("250 2.0.0 Ok");
        }
    }

    @Test
    @DisplayName("100,000 pipelined recipients: 100 accepted, then 452 4.5.3, then the session is cut off")
    void hundredThousandRecipients() throws Exception {
        try (TestServer server = server(); SmtpClient c = inbound(server, "127.0.0.1")) {
            c.command("MAIL FROM:<a@remote.example>");
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    c.write("RCPT TO:<alice@example.com>\r\n".repeat(100_000));
                } catch (IOException closedByServer) {
                    // expected: the server hangs up long before the last one
                }
            });
            List<String> replies = new ArrayList<>();
            try {
                while (replies.size() < 100_000) {
                    replies.add(c.reply());
                }
            } catch (IOException closed) {
                // the 421 was the last reply
            }
            writer.join(10_000);
            assertThat(replies.subList(0, 100)).allMatch(r -> r.equals("250 2.1.5 Ok"));
            assertThat(replies.get(100)).isEqualTo("452 4.5.3 Too many recipients");
            assertThat(replies).last().isEqualTo("421 4.7.0 Too many errors, closing transmission channel");
            assertThat(replies.size()).isLessThan(300);
            assertThat(server.queue()).isEmpty();
        }
    }

    @Test
    @DisplayName("1,000 failed logins from one address: it is locked out and banned; the user still gets in from home")
    void thousandFailedLogins() throws Exception {
        try (TestServer server = server()) {
            int port = server.port(ListenerKind.SUBMISSION);
            try (SmtpClient home = new SmtpClient(port, server.certificate(), "127.0.0.3")) {
                home.login("alice@example.com", "secret"); // alice's usual address
            }
            int attempts = 0;
            int refusedAtConnect = 0;
            while (attempts < 1000) {
                try (SmtpClient attacker = new SmtpClient(port, server.certificate(), "127.0.0.2")) {
                    String greeting = attacker.reply();
                    if (!greeting.startsWith("220")) {
                        assertThat(greeting).isEqualTo("554 5.7.1 Access denied: too many failed attempts from your address");
                        refusedAtConnect++;
                        attempts++;
                        continue;
                    }
                    attacker.command("EHLO guesser.test");
                    attacker.command("STARTTLS");
                    attacker.upgrade();
                    attacker.command("EHLO guesser.test");
                    while (attempts < 1000) {
                        String reply = attacker.command("AUTH PLAIN " + plain("alice@example.com", "guess" + attempts++));
                        assertThat(reply).matches("535 5\\.7\\.8 .*|454 4\\.7\\.0 .*|421 4\\.7\\.0 .*");
                        if (reply.startsWith("421")) {
                            break;
                        }
                    }
                } catch (IOException closedByServer) {
                    // cut off: connect again, as a guesser does
                }
            }
            assertThat(refusedAtConnect).isGreaterThan(900);
            long start = System.nanoTime();
            try (SmtpClient home = new SmtpClient(port, server.certificate(), "127.0.0.3")) {
                home.login("alice@example.com", "secret");
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
            // The account is locked for addresses it never logged in from, even with the right password.
            assertThat(aliceFromElsewhere(server, port)).isEqualTo("454 4.7.0 Too many failed logins, try again later");
            assertThat(server.dataDir.resolve("bans")).content().contains("127.0.0.2/32");
            // `mailgate user unlock alice@example.com`: the running server lets her in from anywhere again
            new UnlockRequests(server.dataDir).request("alice@example.com");
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            String reply;
            do {
                Thread.sleep(200);
                reply = aliceFromElsewhere(server, port);
            } while (!reply.startsWith("235") && System.nanoTime() < deadline);
            assertThat(reply).startsWith("235 2.7.0");
            assertThat(server.dataDir.resolve("unlock")).isEmptyDirectory();
        }
    }

    @Test
    @DisplayName("5,000 connections from one address: it gets its share (421 4.7.0 past it); others are served")
    void fiveThousandConnectionsFromOneAddress() throws Exception {
        try (TestServer server = server()) {
            List<Socket> sockets = new ArrayList<>();
            int greeted = 0;
            int refused = 0;
            try {
                for (int i = 0; i < 5000; i++) {
                    Socket s = connectFrom("127.0.0.5", server.port(ListenerKind.INBOUND), sockets);
                    String first = firstLine(s);
                    if (first.startsWith("220")) {
                        greeted++;
                    } else {
                        assertThat(first).startsWith("421 4.7.0");
                        refused++;
                        s.close();
                    }
                }
                assertThat(greeted).isEqualTo(Limits.DEFAULTS.maxConnectionsPerAddress());
                assertThat(refused).isEqualTo(5000 - greeted);
                try (SmtpClient other = new SmtpClient(server.port(ListenerKind.INBOUND), server.certificate(), "127.0.0.6")) {
                    assertThat(other.reply()).startsWith("220");
                }
            } finally {
                for (Socket s : sockets) {
                    s.close();
                }
            }
        }
    }

    @Test
    @DisplayName("an application server in [limits] trusted-networks keeps 200 connections open at a rate of hundreds a minute")
    void aTrustedNetworkIsNotThrottledPerClient() throws Exception {
        Limits limits = Limits.DEFAULTS.with(Limits.MAX_CONNECTIONS_PER_ADDRESS, 5).with(Limits.MAX_CONNECTION_RATE, 10)
                .with(Limits.TRUSTED_NETWORKS, List.of(AddressRange.parse("127.0.0.7/32").orElseThrow()));
        try (TestServer server = new TestServer(dataDir, config -> config.withLimits(limits))) {
            List<Socket> sockets = new ArrayList<>();
            try {
                for (int i = 0; i < 200; i++) {
                    Socket s = connectFrom("127.0.0.7", server.port(ListenerKind.INBOUND), sockets);
                    assertThat(firstLine(s)).as("connection " + (i + 1)).startsWith("220");
                }
                for (int i = 0; i < 10; i++) {
                    try (SmtpClient other = new SmtpClient(server.port(ListenerKind.INBOUND), server.certificate(), "127.0.0.8")) {
                        assertThat(other.reply()).startsWith("220");
                    }
                }
                try (SmtpClient other = new SmtpClient(server.port(ListenerKind.INBOUND), server.certificate(), "127.0.0.8")) {
                    assertThat(other.reply()).as("an untrusted client past 10 a minute").startsWith("421 4.7.0");
                }
            } finally {
                for (Socket s : sockets) {
                    s.close();
                }
            }
        }
    }

    @Test
    @DisplayName("a listener's own trusted-networks exempt its clients there, and nowhere else")
    void aListenersTrustedNetworkIsExemptOnlyThere() throws Exception {
        Limits limits = Limits.DEFAULTS.with(Limits.MAX_CONNECTIONS_PER_ADDRESS, 5).with(Limits.MAX_CONNECTION_RATE, 100);
        List<AddressRange> application = List.of(AddressRange.parse("127.0.0.7/32").orElseThrow());
        try (TestServer server = new TestServer(dataDir, config -> config.withLimits(limits).withListeners(config.listeners().stream()
                .map(l -> l.kind() == ListenerKind.INBOUND ? new ListenerConfig(l.address(), l.port(), l.kind(), false, application) : l)
                .toList()))) {
            List<Socket> sockets = new ArrayList<>();
            try {
                for (int i = 0; i < 20; i++) {
                    Socket s = connectFrom("127.0.0.7", server.port(ListenerKind.INBOUND), sockets);
                    assertThat(firstLine(s)).as("inbound connection " + (i + 1)).startsWith("220");
                }
                for (int i = 0; i < 5; i++) {
                    Socket s = connectFrom("127.0.0.7", server.port(ListenerKind.SUBMISSION), sockets);
                    assertThat(firstLine(s)).as("submission connection " + (i + 1)).startsWith("220");
                }
                Socket sixth = connectFrom("127.0.0.7", server.port(ListenerKind.SUBMISSION), sockets);
                assertThat(firstLine(sixth)).as("not trusted on submission: its sixth").startsWith("421 4.7.0");
            } finally {
                for (Socket s : sockets) {
                    s.close();
                }
            }
        }
    }

    /** Alice's right password, from an address she never logged in from: the reply to AUTH. */
    private static String aliceFromElsewhere(TestServer server, int port) throws IOException {
        try (SmtpClient elsewhere = new SmtpClient(port, server.certificate(), "127.0.0.4")) {
            elsewhere.reply();
            elsewhere.command("EHLO new.place");
            elsewhere.command("STARTTLS");
            elsewhere.upgrade();
            elsewhere.command("EHLO new.place");
            return elsewhere.command("AUTH PLAIN " + plain("alice@example.com", "secret"));
        }
    }

    /** A connection from {@code source} to the port, added to {@code sockets} (to be closed by the caller). */
    private static Socket connectFrom(String source, int port, List<Socket> sockets) throws IOException {
        Socket s = new Socket();
        sockets.add(s);
        s.bind(new InetSocketAddress(source, 0));
        s.connect(new InetSocketAddress("127.0.0.1", port));
        s.setSoTimeout(10_000);
        return s;
    }

    private static String firstLine(Socket socket) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = socket.getInputStream().read()) != -1 && b != '\n') {
            line.append((char) b);
        }
        return line.toString().strip();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ListenerKind.class)
    @DisplayName("an open-relay attempt without credentials fails on every listener")
    void noOpenRelayOnAnyListener(ListenerKind kind) throws Exception {
        try (TestServer server = server()) {
            for (String sender : List.of("<>", "<spammer@remote.example>", "<alice@example.com>")) {
                try (SmtpClient c = kind == ListenerKind.SUBMISSIONS
                        ? SmtpClient.implicitTls(server.port(kind), server.certificate())
                        : new SmtpClient(server.port(kind), server.certificate())) {
                    c.reply();
                    c.command("EHLO relay-scanner.test");
                    String mail = c.command("MAIL FROM:" + sender);
                    if (kind != ListenerKind.INBOUND) {
                        assertThat(mail).startsWith("530 5.7.0");
                        assertThat(c.command("RCPT TO:<victim@remote.example>")).startsWith("503 5.5.1");
                        continue;
                    }
                    assertThat(mail).startsWith("250");
                    for (String rcpt : List.of("<victim@remote.example>", "<victim%remote.example@example.com>",
                            "<@example.com:victim@remote.example>", "<\"victim@remote.example\"@example.com>",
                            "<remote.example!victim@example.com>", "<victim@[192.0.2.1]>")) {
                        assertThat(c.command("RCPT TO:" + rcpt)).matches("5\\d\\d 5\\.\\d\\.\\d .*");
                    }
                    assertThat(c.command("DATA")).startsWith("554 5.5.1");
                }
            }
            assertThat(server.queue()).isEmpty();
        }
    }

    @Test
    @DisplayName("user enumeration on the inbound listener: VRFY and EXPN tell nothing, RCPT probing ends in a ban")
    void recipientProbingIsBanned() throws Exception {
        try (TestServer server = server()) {
            try (SmtpClient c = inbound(server, "127.0.0.8")) {
                assertThat(c.command("VRFY alice")).startsWith("252 2.5.0");
                assertThat(c.command("VRFY nosuchuser")).startsWith("252 2.5.0");
                assertThat(c.command("EXPN staff")).startsWith("502 5.5.1");
                c.command("MAIL FROM:<probe@remote.example>");
                for (int i = 0; i < AutoBanConfig.DEFAULTS.unknownRecipients() - 1; i++) {
                    String reply = c.command("RCPT TO:<guess" + i + "@example.com>");
                    if (reply.startsWith("421")) {
                        break; // the error limit cut the session first
                    }
                    assertThat(reply).isEqualTo("550 5.1.1 Recipient address rejected: user unknown");
                }
            } catch (IOException closed) {
                // cut off by the error limit
            }
            try (SmtpClient c = inbound(server, "127.0.0.8")) {
                assertThat(c.command("MAIL FROM:<probe@remote.example>")).startsWith("250");
                assertThat(c.command("RCPT TO:<last-guess@example.com>")).startsWith("550 5.1.1");
            }
            awaitBan(server, "127.0.0.8");
            try (SmtpClient c = new SmtpClient(server.port(ListenerKind.INBOUND), server.certificate(), "127.0.0.8")) {
                assertThat(c.reply()).isEqualTo("554 5.7.1 Access denied: too many failed attempts from your address");
                assertThat(c.closedByServer()).isTrue();
            }
        }
    }

    @Test
    @DisplayName("a relay scanner that keeps trying is banned at connect")
    void relayScannerIsBanned() throws Exception {
        try (TestServer server = server(); SmtpClient c = inbound(server, "127.0.0.12")) {
            c.command("MAIL FROM:<scanner@remote.example>");
            for (int i = 0; i < AutoBanConfig.DEFAULTS.relayAttempts(); i++) {
                assertThat(c.command("RCPT TO:<victim" + i + "@remote.example>")).isEqualTo("554 5.7.1 Relay access denied");
            }
            awaitBan(server, "127.0.0.12");
            try (SmtpClient again = new SmtpClient(server.port(ListenerKind.INBOUND), server.certificate(), "127.0.0.12")) {
                assertThat(again.reply()).startsWith("554 5.7.1 Access denied");
            }
        }
    }

    static void awaitBan(TestServer server, String address) throws Exception {
        for (int i = 0; i < 50; i++) {
            if (java.nio.file.Files.exists(server.dataDir.resolve("bans"))
                    && java.nio.file.Files.readString(server.dataDir.resolve("bans")).contains(address + "/32")) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(address + " was not banned");
    }
}
