package org.mailgate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailgate.config.DeliveryConfig;
import org.mailgate.config.Limits;
import org.mailgate.config.ListenerConfig;
import org.mailgate.config.ListenerKind;
import org.mailgate.config.MailgateConfig;
import org.mailgate.dns.FakeResolver;
import org.mailgate.probe.Finding;
import org.mailgate.probe.Probe;

/** `mailgate probe` against a running Mailgate: each port's findings, a login, a test message, and a port nobody listens on. */
class ProbeCommandTest {
    @TempDir Path dir;
    private Mailgate mailgate;
    private int submission;
    private int submissions;
    private int inbound;

    @BeforeEach
    void start() throws Exception {
        Path data = dir.resolve("data");
        assertThat(CliRun.run("probe-secret\n", "user", "add", "alice@example.com", "--password-stdin", "--data-dir", data.toString())
                .exitCode()).isZero();
        MailgateConfig base = new MailgateConfig("mx.test", data, Set.of("example.com"), List.of(
                new ListenerConfig("127.0.0.1", 0, ListenerKind.SUBMISSION), new ListenerConfig("127.0.0.1", 0, ListenerKind.SUBMISSIONS),
                new ListenerConfig("127.0.0.1", 0, ListenerKind.INBOUND)), null, Limits.DEFAULTS);
        mailgate = Mailgate.start(base.withDelivery(base.delivery().with(DeliveryConfig.ENABLED, false)), Clock.systemUTC());
        submission = mailgate.server().bound().get(0).address().getPort();
        submissions = mailgate.server().bound().get(1).address().getPort();
        inbound = mailgate.server().bound().get(2).address().getPort();
    }

    @AfterEach
    void stop() {
        mailgate.close();
    }

    @Test
    @DisplayName("every port explained: STARTTLS and AUTH after it, TLS first found on its own, an MX port, a closed port; a login works")
    void explainsEachPort() throws Exception {
        int closed;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = free.getLocalPort();
        }
        CliRun.Result result = CliRun.run("probe-secret\n", "probe", "127.0.0.1", "--ports", submission + "," + submissions + "," + inbound + "," + closed,
                "--user", "alice@example.com", "--password-stdin", "--timeout", "2s");
        String out = result.out();
        assertThat(result.exitCode()).as(out).isZero();
        assertThat(out).contains(
                line(submission, "ok", "greeting: 220 mx.test ESMTP Mailgate"),
                line(submission, "ok", "STARTTLS: TLSv1.3 "),
                line(submission, "info", "certificate for mx.test, localhost, issued by CN=mx.test, 1 certificate in the chain"),
                line(submission, "warn", "the certificate is not trusted by this machine's CA store"),
                line(submission, "ok", "AUTH LOGIN PLAIN offered after TLS"),
                line(submission, "ok", "logged in as alice@example.com"),
                line(submissions, "info", "no greeting in plain text within 2 s: trying TLS from the first byte"),
                line(submissions, "ok", "TLS from the first byte: TLSv1.3 "),
                line(submissions, "warn", "port " + submissions + " speaks TLS from the first byte, not what its number suggests"),
                "      fix   set the mail client to SSL/TLS for port " + submissions,
                line(inbound, "fail", "no AUTH after TLS: this port takes no logins, so a mail client cannot send here"),
                line(closed, "fail", "connection refused: nothing listens on 127.0.0.1:" + closed),
                "Verdict: you can send through 127.0.0.1 on " + submission + " (STARTTLS) or " + submissions + " (SSL/TLS), with a password");
        assertThat(out).doesNotContain("probe-secret");
    }

    @Test
    @DisplayName("a wrong password is explained and the exit status is 1; --send-to sends a test message and shows its queue ID")
    void loginAndTestMessage() throws Exception {
        CliRun.Result wrong = CliRun.run("not-the-password\n", "probe", "127.0.0.1", "--ports", Integer.toString(submission),
                "--user", "alice@example.com", "--password-stdin");
        assertThat(wrong.exitCode()).isEqualTo(1);
        assertThat(wrong.out()).contains(line(submission, "fail", "login refused: 535 5.7.8 "),
                "fix   a wrong password, or no such user (a server says the same for both)",
                "Verdict: no secure way to send works from here");

        int before = mailgate.spool().list().size();
        CliRun.Result sent = CliRun.run("probe-secret\n", "probe", "127.0.0.1", "--ports", Integer.toString(submission),
                "--user", "alice@example.com", "--password-stdin", "--send-to", "alice@example.com", "--json");
        assertThat(sent.exitCode()).as(sent.out()).isZero();
        assertThat(sent.out()).startsWith("{\"host\":\"127.0.0.1\",\"works\":true,\"working_ports\":[" + submission + "],\"findings\":[")
                .contains("{\"level\":\"ok\",\"where\":\"" + submission + "\",\"what\":\"test message to alice@example.com accepted: 250 2.0.0 Ok: queued as ");
        assertThat(mailgate.spool().list()).hasSize(before + 1);
    }

    @Test
    @DisplayName("--outbound: the MX looked up through the delivery resolver, connected to on the delivery port, EHLO as our hostname")
    void outboundDelivery() throws Exception {
        FakeResolver dns = new FakeResolver().mx("example.net", 10, "mx.example.net").address("mx.example.net", "127.0.0.1")
                .mx("closed.example", 10, "mx.closed.example").address("mx.closed.example", "127.0.0.1");
        Probe probe = new Probe(Probe.from(dns), dns, Clock.systemUTC(), Probe.systemTrust());
        List<Finding> delivers = probe.outbound("example.net", inbound, "mx.sender.test", Duration.ofSeconds(5));
        assertThat(delivers).extracting(Finding::level, Finding::what).contains(
                tuple(Finding.Level.OK, "example.net has the MX mx.example.net"),
                tuple(Finding.Level.OK, "connected to mx.example.net [127.0.0.1]:" + inbound + " from 127.0.0.1"),
                tuple(Finding.Level.OK, "greeting: 220 mx.test ESMTP Mailgate"),
                tuple(Finding.Level.OK, "EHLO mx.sender.test accepted, STARTTLS offered"));
        assertThat(delivers).noneMatch(f -> f.level() == Finding.Level.FAIL);

        int closed;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = free.getLocalPort();
        }
        assertThat(probe.outbound("closed.example", closed, "mx.sender.test", Duration.ofSeconds(5))).anyMatch(f -> f.level() == Finding.Level.FAIL
                && f.what().equals("mx.closed.example [127.0.0.1]:" + closed + " refused the connection"));
        assertThat(probe.outbound("nomx.example", 25, "mx.sender.test", Duration.ofSeconds(5))).anyMatch(f -> f.level() == Finding.Level.FAIL
                && f.what().equals("nomx.example does not exist in DNS (NXDOMAIN)"));
    }

    /** A line of the report: the port's column, the level's, then the text. */
    private static String line(int port, String level, String text) {
        return String.format("%-5s %-4s  %s", port, level, text);
    }

    @Test
    void badArgumentsAreNamed() {
        assertThat(CliRun.run("", "probe", "127.0.0.1", "--send-to", "x@example.com").err())
                .isEqualTo("mailgate: --send-to needs --user: a submission server takes mail only from a logged-in user\n");
        assertThat(CliRun.run("", "probe", "127.0.0.1", "--ports", "0").err()).isEqualTo("mailgate: --ports: 0 is not a port number (1 to 65535)\n");
        assertThat(CliRun.run("", "probe", "127.0.0.1", "--timeout", "soon").err())
                .isEqualTo("mailgate: --timeout: expected a duration such as 5s, got \"soon\"\n");
    }
}
