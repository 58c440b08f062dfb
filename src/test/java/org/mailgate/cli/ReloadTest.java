package org.mailgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailgate.delivery.TestCertificates;

/** `mailgate reload` on a running server (its own JVM): what changes live does, for new sessions, while a session stays open. */
class ReloadTest {
    private static final Pattern NEW_LISTENER = Pattern.compile("listener: listening on 127\\.0\\.0\\.1:(\\d+) \\(submission\\)");

    @TempDir
    Path dir;

    @Test
    @DisplayName("a reload changes a limit, a domain, the certificate, delivery and the listeners while a session is open; that session finishes")
    void reloadAppliesLiveWhileASessionIsOpen() throws Exception {
        Path data = dir.resolve("data");
        Path config = dir.resolve("mailgate.toml");
        TestCertificates.Identity one = TestCertificates.selfSigned("one.test");
        TestCertificates.Identity two = TestCertificates.selfSigned("two.test");
        Files.writeString(config, config(one, "[\"example.com\"]", "", "") + "[delivery]\nenabled = false\n");
        assertThat(CliRun.run("password one\n", "user", "add", "alice@example.com", "--password-stdin", "--data-dir", data.toString())
                .exitCode()).isZero();
        try (ServerProcess server = new ServerProcess(config, data); LineClient open = LineClient.connect(server.inboundPort())) {
            open.send("EHLO client.test");
            assertThat(open.send("MAIL FROM:<a@remote.example> SIZE=20000")).startsWith("250");
            try (LineClient before = LineClient.connect(server.inboundPort())) {
                before.send("EHLO client.test");
                before.send("MAIL FROM:<a@remote.example>");
                assertThat(before.send("RCPT TO:<x@example.org>")).startsWith("554 5.7.1");
            }
            assertThat(presents(server.inboundPort(), one)).isTrue();

            Files.writeString(config, config(two, "[\"example.com\", \"example.org\"]", "max-message-size = 12345\nmax-connections-per-address = 2\n",
                    "[[listener]]\naddress = \"127.0.0.1\"\nport = 0\nkind = \"submission\"\n")
                    .replace("lockout-after = 10", "lockout-after = 5") + "[http]\nport = 0\n");
            CliRun.Result reload = CliRun.run("", "reload", "--config", config.toString());

            assertThat(reload.exitCode()).as(reload.err()).isZero();
            assertThat(reload.out()).contains("config: applied domains, [tls], [[listener]], [limits], [login-throttle], [delivery], [http]\n",
                    "TLS: certificates from the new config, ", "users: 1\n", "delivery: started\n", "http: listening on 127.0.0.1:");
            Matcher added = NEW_LISTENER.matcher(reload.out());
            assertThat(added.find()).as(reload.out()).isTrue();
            assertThat(server.awaitOutput("reload: config: applied domains", Duration.ofSeconds(5))).isTrue();

            // the session open across the reload goes on, with the settings it began with
            assertThat(open.send("RCPT TO:<alice@example.com>")).startsWith("250");
            assertThat(open.send("DATA")).startsWith("354");
            assertThat(open.send("Subject: across a reload\r\n\r\n" + ("x".repeat(75) + "\r\n").repeat(200) + ".")).startsWith("250 2.0.0 Ok: queued as ");

            try (LineClient after = connectWhenFree(server.inboundPort())) {
                after.send("EHLO client.test");
                assertThat(after.send("MAIL FROM:<a@remote.example> SIZE=20000")).startsWith("552 5.3.4");
                after.send("MAIL FROM:<a@remote.example>");
                assertThat(after.send("RCPT TO:<x@example.org>")).startsWith("550 5.1.1");
                try (Socket third = new Socket("127.0.0.1", server.inboundPort())) {
                    third.setSoTimeout(10_000);
                    assertThat(new String(third.getInputStream().readNBytes(9), StandardCharsets.US_ASCII))
                            .as("the open session counts under the new limit of 2").isEqualTo("421 4.7.0");
                }
            }
            assertThat(presents(server.inboundPort(), two)).as("a new session's STARTTLS shows the new certificate").isTrue();
            assertThat(presents(server.inboundPort(), one)).isFalse();
            try (LineClient submission = connectWhenFree(Integer.parseInt(added.group(1)))) {
                assertThat(submission.send("EHLO client.test")).startsWith("250");
            }

            // what admins do is in the server's log, failures too
            assertThat(CliRun.run("password two\n", "user", "add", "bob@example.com", "--password-stdin", "--data-dir", data.toString())
                    .exitCode()).isZero();
            assertThat(CliRun.run("", "user", "remove", "nobody@example.com", "--data-dir", data.toString()).exitCode()).isEqualTo(1);
            String who = OperatorLog.who();
            assertThat(server.awaitOutput("operator - " + who + " ran: mailgate user add bob@example.com --password-stdin --data-dir " + data
                    + " (done)", Duration.ofSeconds(5))).isTrue();
            assertThat(server.awaitOutput("operator - " + who + " ran: mailgate user remove nobody@example.com --data-dir " + data
                    + " (failed, exit status 1)", Duration.ofSeconds(5))).isTrue();

            // a config that does not load: refused before the server is asked
            Files.writeString(config, "not = [valid toml");
            CliRun.Result broken = CliRun.run("", "reload", "--config", config.toString());
            assertThat(broken.exitCode()).isEqualTo(1);
            assertThat(broken.err()).startsWith("mailgate: " + config + ":1:");
        }
        CliRun.Result stopped = CliRun.run("", "reload", "--data-dir", data.toString());
        assertThat(stopped.exitCode()).isEqualTo(1);
        assertThat(stopped.err()).isEqualTo("mailgate: no Mailgate is running on " + data + ": nothing to reload (`mailgate serve` starts one)\n");
    }

    /**
     * A new session, once the server has seen the earlier ones close: after the reload a client
     * may have 2 connections, the open session holds one, and a close reaches the server a moment
     * after the client's.
     */
    private static LineClient connectWhenFree(int port) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            Socket socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(15_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            String greeting = in.readLine();
            if (greeting != null && greeting.startsWith("220")) {
                return new LineClient(socket, in, socket.getOutputStream());
            }
            socket.close();
            assertThat(System.nanoTime()).as("admitted within 10 s; last greeting: " + greeting).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    /** A config with {@code identity} as its certificate, written beside it. */
    private String config(TestCertificates.Identity identity, String domains, String limits, String listeners) throws Exception {
        String name = identity.chain()[0].getSerialNumber().toString();
        Path certificate = TestCertificates.writePem(identity.chain()[0], dir.resolve(name + ".pem"));
        Path key = dir.resolve(name + ".key");
        try (var out = Files.newBufferedWriter(key); var pem = new JcaPEMWriter(out)) {
            pem.writeObject(new JcaPKCS8Generator(identity.keys().getPrivate(), null));
        }
        return "hostname = \"mx.test\"\ndata-dir = \"" + dir.resolve("data") + "\"\ndomains = " + domains + "\n"
                + "[tls]\ncertificate = \"" + certificate + "\"\nkey = \"" + key + "\"\n"
                + "[limits]\nshutdown-grace = \"10s\"\n" + limits
                + "[login-throttle]\nlockout-after = 10\n"
                + "[[listener]]\naddress = \"127.0.0.1\"\nport = 0\nkind = \"inbound\"\n" + listeners;
    }

    /** Whether a new STARTTLS session is shown {@code identity}'s certificate: a client that trusts only it completes the handshake. */
    private static boolean presents(int port, TestCertificates.Identity identity) throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("expected", identity.chain()[0]);
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        try (LineClient c = connectWhenFree(port)) {
            c.send("EHLO client.test");
            assertThat(c.send("STARTTLS")).startsWith("220");
            try (SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(c.socket(), "127.0.0.1", port, true)) {
                tls.startHandshake();
                return true;
            } catch (SSLHandshakeException untrusted) {
                return false;
            }
        }
    }
}
