package org.mailgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
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

/** The mailgate command as an administrator types it. */
class CliTest {
    @TempDir
    Path dir;

    private static CliRun.Result run(String stdin, String... args) {
        return CliRun.run(stdin, args);
    }

    /** A data directory that exists, as a server's does. */
    private String data() {
        try {
            return Files.createDirectories(dir.resolve("data")).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void userAddRefusesAShortPasswordAndUnlockAsksTheServer() throws Exception {
        CliRun.Result shortOne = run("short\n", "user", "add", "a@example.com", "--password-stdin", "--data-dir", data());
        assertThat(shortOne.exitCode()).isEqualTo(1);
        assertThat(shortOne.err()).isEqualTo("mailgate: the password has 5 characters; at least 8 are needed ([limits] min-password-length):"
                + " a short one falls to guessing\n");
        Path config = Files.writeString(dir.resolve("strict.toml"), "data-dir = \"" + data() + "\"\n[limits]\nmin-password-length = 12\n"
                + "[[listener]]\naddress = \"127.0.0.1\"\nport = 2525\nkind = \"submission\"\n");
        assertThat(run("eleven-char\n", "user", "add", "a@example.com", "--password-stdin", "--config", config.toString()).err())
                .contains("at least 12 are needed");
        assertThat(run("twelve-chars\n", "user", "add", "a@example.com", "--password-stdin", "--config", config.toString()).exitCode()).isZero();
        assertThat(run("", "user", "unlock", "A@Example.com", "--data-dir", data()).out()).startsWith("asked the running server to unlock a@example.com");
        try (var requests = Files.list(dir.resolve("data/unlock"))) {
            assertThat(requests.map(CliTest::read).toList()).containsExactly("a@example.com\n");
        }
        assertThat(run("", "user", "unlock", "nobody@example.com", "--data-dir", data()).err())
                .isEqualTo("mailgate: no user nobody@example.com; see: mailgate user list\n");
    }

    @Test
    void adminCommandsFindTheDataDirectoryThroughTheConfigAndRefuseOneThatDoesNotExist() throws Exception {
        String missing = dir.resolve("no-such-dir").toString();
        for (String[] command : List.of(new String[] {"queue", "list"}, new String[] {"user", "list"}, new String[] {"ban", "list"},
                new String[] {"dkim", "list"}, new String[] {"queue", "show", "X"}, new String[] {"ban", "add", "192.0.2.1"})) {
            String[] args = Stream.concat(Arrays.stream(command), Stream.of("--data-dir", missing)).toArray(String[]::new);
            CliRun.Result r = run("", args);
            assertThat(r.exitCode()).as(String.join(" ", command)).isEqualTo(1);
            assertThat(r.err()).as(String.join(" ", command)).isEqualTo("mailgate: data directory " + missing
                    + " does not exist: give the server's --config FILE or --data-dir DIR (`mailgate serve` makes it, and so does the first `mailgate user add`)\n");
        }
        CliRun.Result first = run("a-long-password\n", "user", "add", "a@example.com", "--password-stdin", "--data-dir", missing);
        assertThat(first.exitCode()).isZero();
        assertThat(first.err()).contains("new data directory " + missing);
        Path config = Files.writeString(dir.resolve("server.toml"), "data-dir = \"" + missing + "\"\n[delivery]\nenabled = false\n"
                + "[[listener]]\naddress = \"127.0.0.1\"\nport = 2525\nkind = \"submission\"\n");
        assertThat(run("", "user", "list", "--config", config.toString()).out()).contains("a@example.com");
        assertThat(run("", "queue", "list", "--config", config.toString()).out()).isEqualTo("0 messages in the queue\n"
                + "delivery is off in " + config + " ([delivery] enabled = false): nothing here is sent\n");
        Path broken = Files.writeString(dir.resolve("broken.toml"), "data-dir = 7\n");
        assertThat(run("", "user", "list", "--config", broken.toString()).err()).startsWith("mailgate: " + broken + ":1:1: data-dir: expected");
    }

    @Test
    void userLifecycle() throws Exception {
        assertThat(run("s3cret-pass\n", "user", "add", "Alice@Example.com", "--password-stdin", "--data-dir", data()).exitCode()).isZero();
        assertThat(run("", "user", "alias", "add", "alice@example.com", "@example.org", "--data-dir", data()).exitCode()).isZero();
        assertThat(run("", "user", "alias", "add", "alice@example.com", "sales@example.com", "--data-dir", data()).exitCode()).isZero();
        assertThat(run("", "user", "list", "--data-dir", data()).out())
                .contains("alice@example.com  aliases: @example.org, sales@example.com");
        User alice = new UserFile(dir.resolve("data")).read().get(0);
        assertThat(new PasswordHashes().verify("s3cret-pass", alice.passwordHash())).isTrue();
        assertThat(Files.readString(dir.resolve("data/users"))).doesNotContain("s3cret");

        assertThat(run("n3w-password\n", "user", "passwd", "alice@example.com", "--password-stdin", "--data-dir", data()).exitCode()).isZero();
        assertThat(new PasswordHashes().verify("n3w-password", new UserFile(dir.resolve("data")).read().get(0).passwordHash())).isTrue();

        assertThat(run("", "user", "sender", "alice@example.com", "any", "--data-dir", data()).exitCode()).isZero();
        assertThat(new UserFile(dir.resolve("data")).read().get(0).anySender()).isTrue();
        assertThat(run("", "user", "sender", "alice@example.com", "everyone", "--data-dir", data()).err())
                .isEqualTo("mailgate: sender policy must be \"own\" or \"any\", not \"everyone\"\n");

        assertThat(run("", "user", "remove", "alice@example.com", "--data-dir", data()).exitCode()).isZero();
        assertThat(run("", "user", "list", "--data-dir", data()).out()).contains("no users");
    }

    @Test
    void userErrorsAreClearAndWithoutStackTraces() {
        run("pw-long-enough\n", "user", "add", "alice@example.com", "--password-stdin", "--data-dir", data());
        CliRun.Result duplicate = run("pw-long-enough\n", "user", "add", "alice@example.com", "--password-stdin", "--data-dir", data());
        assertThat(duplicate.exitCode()).isEqualTo(1);
        assertThat(duplicate.err()).isEqualTo("mailgate: user alice@example.com already exists\n");
        assertThat(run("pw-long-enough\n", "user", "add", "not-an-address", "--password-stdin", "--data-dir", data()).err())
                .isEqualTo("mailgate: not a usable address: \"not-an-address\" (expected user@example.com)\n");
        assertThat(run("", "user", "add", "bob@example.com", "--password-stdin", "--data-dir", data()).err())
                .isEqualTo("mailgate: empty password\n");
        assertThat(run("", "user", "remove", "nobody@example.com", "--data-dir", data()).err()).isEqualTo("mailgate: no user nobody@example.com\n");
        CliRun.Result unknownOption = run("", "user", "add", "x@example.com", "--password", "secret");
        assertThat(unknownOption.exitCode()).isEqualTo(2);
        assertThat(unknownOption.err()).contains("Unknown options: '--password'", "Possible solutions: --password-stdin").doesNotContain("Exception");
    }

    @Test
    void importsADovecotPasswdFile() throws Exception {
        Path passwd = Files.writeString(dir.resolve("passwd"), """
                carol@example.com:{SHA512-CRYPT}$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1::::::
                dave@example.com:{BLF-CRYPT}$2y$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW::::::
                erin@example.com:{PLAIN}cleartext::::::
                """);
        CliRun.Result result = run("", "user", "import", passwd.toString(), "--data-dir", data());
        assertThat(result.out()).contains(passwd + ":1: carol@example.com: added").contains("imported 2 users: 2 added, 0 replaced, 0 skipped");
        assertThat(result.err()).contains(passwd + ":3: skipped");
        assertThat(result.exitCode()).as("a malformed line is an error, after the good ones are in").isEqualTo(1);
        var users = new UserFile(dir.resolve("data")).read();
        assertThat(new PasswordHashes().verify("Hello world!", users.get(0).passwordHash())).isTrue();
        assertThat(new PasswordHashes().verify("U*U", users.get(1).passwordHash())).isTrue();
    }

    @Test
    @DisplayName("importing a user who exists keeps the user as is, or with --replace changes only the password: aliases and sender policy stay")
    void importNeverDropsAnExistingUsersAliases() throws Exception {
        run("old-password\n", "user", "add", "alice@example.com", "--password-stdin", "--any-sender", "--data-dir", data());
        run("", "user", "alias", "add", "alice@example.com", "postmaster@example.com", "--data-dir", data());
        String blowfish = "{BLF-CRYPT}$2y$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW";
        Path passwd = Files.writeString(dir.resolve("passwd"), "alice@example.com:" + blowfish + "::::::\nalice@example.com:" + blowfish + "\n");

        CliRun.Result skipped = run("", "user", "import", passwd.toString(), "--data-dir", data());
        assertThat(skipped.out()).contains(passwd + ":1: alice@example.com: exists, skipped (--replace changes its password)")
                .contains(passwd + ":2: alice@example.com: skipped, named again on an earlier line")
                .contains("imported 0 users: 0 added, 0 replaced, 2 skipped");
        User alice = new UserFile(dir.resolve("data")).read().get(0);
        assertThat(new PasswordHashes().verify("old-password", alice.passwordHash())).isTrue();

        CliRun.Result replaced = run("", "user", "import", passwd.toString(), "--replace", "--data-dir", data());
        assertThat(replaced.out()).contains(passwd + ":1: alice@example.com: password replaced (aliases and sender policy kept)");
        alice = new UserFile(dir.resolve("data")).read().get(0);
        assertThat(new PasswordHashes().verify("U*U", alice.passwordHash())).isTrue();
        assertThat(alice.aliases()).containsExactly("postmaster@example.com");
        assertThat(alice.anySender()).isTrue();
    }

    @Test
    @DisplayName("check-config loads the TLS files as a start would: a certificate and a key that do not belong together are named")
    void checkConfigChecksTheCertificateAndKey() throws Exception {
        var one = org.mailgate.delivery.TestCertificates.selfSigned("mail.one.test");
        var two = org.mailgate.delivery.TestCertificates.selfSigned("mail.two.test");
        Path certificate = org.mailgate.delivery.TestCertificates.writePem(one.chain()[0], dir.resolve("cert.pem"));
        Path key = dir.resolve("key.pem");
        try (var out = Files.newBufferedWriter(key); var pem = new org.bouncycastle.openssl.jcajce.JcaPEMWriter(out)) {
            pem.writeObject(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(two.keys().getPrivate(), null));
        }
        Path config = Files.writeString(dir.resolve("tls.toml"), "[tls]\ncertificate = \"cert.pem\"\nkey = \"key.pem\"\n"
                + "[[listener]]\naddress = \"127.0.0.1\"\nport = 2525\nkind = \"submission\"\n");
        CliRun.Result result = run("", "check-config", config.toString());
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).isEqualTo(config + ": TLS certificate " + certificate + " and key " + key
                + " do not belong together (the key is not the one the certificate names)\n");
    }

    @Test
    void queueCommandsOnAnEmptyQueue() {
        assertThat(run("", "queue", "list", "--data-dir", data()).out()).isEqualTo("0 messages in the queue\n");
        assertThat(run("", "queue", "list", "--json", "--data-dir", data()).out()).isEqualTo("[]\n");
        assertThat(run("", "queue", "show", "0000000000000000Z", "--data-dir", data()).err()).isEqualTo("mailgate: no message 0000000000000000Z in the queue\n");
        assertThat(run("", "queue", "delete", "../../etc/passwd", "--data-dir", data()).err()).isEqualTo("mailgate: no message ../../etc/passwd in the queue\n");
    }

    @Test
    @DisplayName("storage commands on a config that keeps its queue in files, or a --from that is no data directory: a clear error, exit 1")
    void storageCommandsNeedADatabase() throws Exception {
        Path files = Files.writeString(dir.resolve("files.toml"), "[[listener]]\naddress = \"127.0.0.1\"\nport = 2525\nkind = \"submission\"\n");
        for (String[] command : List.of(new String[] {"storage", "migrate"}, new String[] {"storage", "status"},
                new String[] {"storage", "import", "--from", data()})) {
            List<String> args = new ArrayList<>(List.of(command));
            args.addAll(List.of("--config", files.toString()));
            CliRun.Result result = run("", args.toArray(String[]::new));
            assertThat(result.exitCode()).isEqualTo(1);
            assertThat(result.err()).isEqualTo("mailgate: " + files + " keeps the queue in files ([storage] kind = \"file\"): there is no database here\n");
        }
        CliRun.Result missing = run("", "storage", "import", "--config", files.toString(), "--from", dir.resolve("nowhere").toString());
        assertThat(missing.err()).isEqualTo("mailgate: --from " + dir.resolve("nowhere") + ": no such data directory\n");
    }

    @Test
    void checkConfigReportsFileAndLine() throws Exception {
        Path good = Files.writeString(dir.resolve("good.toml"), "[[listener]]\naddress = \"127.0.0.1\"\nport = 2525\nkind = \"submission\"\n");
        assertThat(run("", "check-config", good.toString()).out()).startsWith(good + ": OK")
                .contains(good + ": warning: no hostname set: the server calls itself localhost");
        Path named = Files.writeString(dir.resolve("named.toml"), "hostname = \"mx.example.com\"\n"
                + "[[listener]]\naddress = \"127.0.0.1\"\nport = 0\nkind = \"submission\"\n");
        assertThat(run("", "check-config", named.toString()).out()).isEqualTo(named + ": OK (1 listeners, hostname mx.example.com)\n");
        Path twice = Files.writeString(dir.resolve("twice.toml"), "hostname = \"mx.example.com\"\n"
                + "[[listener]]\naddress = \"0.0.0.0\"\nport = 2587\nkind = \"submission\"\n"
                + "[[listener]]\naddress = \"127.0.0.1\"\nport = 2587\nkind = \"inbound\"\n");
        CliRun.Result collision = run("", "check-config", twice.toString());
        assertThat(collision.exitCode()).isEqualTo(1);
        assertThat(collision.err()).isEqualTo(twice + ": listeners 1 and 2 both take port 2587 (0.0.0.0, 127.0.0.1)\n");
        Path http = Files.writeString(dir.resolve("http.toml"), "hostname = \"mx.example.com\"\n[http]\naddress = \"0.0.0.0\"\nport = 2587\n"
                + "[[listener]]\naddress = \"127.0.0.1\"\nport = 2587\nkind = \"submission\"\n");
        CliRun.Result httpCollision = run("", "check-config", http.toString());
        assertThat(httpCollision.exitCode()).isEqualTo(1);
        assertThat(httpCollision.err()).isEqualTo(http + ": listener 1 and [http] both take port 2587\n");
        Path open = Files.writeString(dir.resolve("open.toml"), "hostname = \"mx.example.com\"\n[http]\naddress = \"0.0.0.0\"\nport = 0\n"
                + "[[listener]]\naddress = \"127.0.0.1\"\nport = 0\nkind = \"submission\"\n");
        assertThat(run("", "check-config", open.toString()).out()).contains(open + ": warning: [http] listens on 0.0.0.0: /metrics and"
                + " /readyz need no login");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Path busy = Files.writeString(dir.resolve("busy.toml"), "hostname = \"mx.example.com\"\n"
                    + "[[listener]]\naddress = \"127.0.0.1\"\nport = " + taken.getLocalPort() + "\nkind = \"submission\"\n");
            assertThat(run("", "check-config", busy.toString()).out()).contains(busy + ": warning: cannot listen on 127.0.0.1:"
                    + taken.getLocalPort() + " now: Address already in use");
        }
        Path bad = Files.writeString(dir.resolve("bad.toml"), "[[listener]]\naddress = \"127.0.0.1\"\nport = 99999\nkind = \"submission\"\n");
        CliRun.Result result = run("", "check-config", bad.toString());
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).isEqualTo(bad + ":3:1: listener.port: expected a port number from 0 to 65535, got 99999\n");
    }

    @Test
    void serveRefusesABrokenConfigWithoutStarting() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.toml"), "lisener = 1\n");
        CliRun.Result result = run("", "serve", "--config", bad.toString());
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).startsWith(bad + ":1:1: unknown key \"lisener\"");
    }

    @Test
    void banLifecycle() {
        assertThat(run("", "ban", "list", "--data-dir", data()).out()).contains("no bans in force");
        assertThat(run("", "ban", "add", "192.0.2.7", "--for", "2h", "--reason", "phishing", "--data-dir", data()).out())
                .startsWith("banned 192.0.2.7/32 until ");
        assertThat(run("", "ban", "add", "2001:db8::/32", "--data-dir", data()).exitCode()).isZero();
        String list = run("", "ban", "list", "--data-dir", data()).out();
        assertThat(list).contains("192.0.2.7/32").contains("phishing").contains("2001:db8::/32").contains("never expires");
        assertThat(run("", "ban", "remove", "192.0.2.7", "--data-dir", data()).out()).contains("removed the ban of 192.0.2.7/32");
        assertThat(run("", "ban", "list", "--data-dir", data()).out()).doesNotContain("192.0.2.7");
    }

    @Test
    void banRefusesWhatIsNotAnAddress() {
        CliRun.Result notAnAddress = run("", "ban", "add", "mail.example.com", "--data-dir", data());
        assertThat(notAnAddress.exitCode()).isEqualTo(1);
        assertThat(notAnAddress.err()).contains("expected an IP address or a network");
        CliRun.Result badDuration = run("", "ban", "add", "192.0.2.7", "--for", "soon", "--data-dir", data());
        assertThat(badDuration.err()).contains("--for: expected a duration such as 30m, 12h or 7d");
        assertThat(run("", "ban", "add", "192.0.2.7", "--for", "0s", "--data-dir", data()).err())
                .isEqualTo("mailgate: --for 0s: a ban that ends at once bans nothing (`ban remove` lifts a ban)\n");
        assertThat(run("", "ban", "add", "192.0.2.7", "--reason", "auto: fake", "--data-dir", data()).exitCode()).isEqualTo(1);
        CliRun.Result loopback = run("", "ban", "add", "127.0.0.0/8", "--for", "1m", "--data-dir", data());
        assertThat(loopback.exitCode()).isZero();
        assertThat(loopback.err()).startsWith("mailgate: warning: 127.0.0.0/8 covers 127.0.0.1: clients on this machine");
        assertThat(run("", "ban", "remove", "192.0.2.99", "--data-dir", data()).out())
                .isEqualTo("no ban of 192.0.2.99/32; asked the running server to lift a login lockout of 192.0.2.99, if any\n");
    }

    @Test
    void benchRunsATinyBoundedLoadAgainstARealServer() throws Exception {
        Path data = dir.resolve("server");
        PasswordHashes hashes = new PasswordHashes();
        new UserFile(data).update(users -> {
            users.add(new User("sink@example.com", hashes.hash("bench-pass"), List.of(), false));
            return users;
        });
        var config = new MailgateConfig("mx.test", data, Set.of(), List.of(
                new ListenerConfig("127.0.0.1", 0, ListenerKind.INBOUND),
                new ListenerConfig("127.0.0.1", 0, ListenerKind.SUBMISSION)),
                null, Limits.DEFAULTS);
        // the load, not SPF/DKIM/DMARC (which would defer everything without DNS here)
        config = config.withMailauth(org.mailgate.config.MailauthConfig.DEFAULTS.with(org.mailgate.config.MailauthConfig.VERIFY, false));
        try (var mailgate = Mailgate.start(config.withDelivery(config.delivery().with(DeliveryConfig.ENABLED, false)), java.time.Clock.systemUTC())) {
            var server = mailgate.server();
            int inbound = server.bound().get(0).address().getPort();
            int submission = server.bound().get(1).address().getPort();
            CliRun.Result plain = run("", "bench", "127.0.0.1:" + inbound, "-s", "2", "-n", "10", "-d", "20", "--json");
            assertThat(plain.exitCode()).isZero();
            assertThat(plain.out()).contains("\"messages\":10,").contains("\"errors\":{}");
            CliRun.Result auth = run("bench-pass\n", "bench", "127.0.0.1:" + submission, "--tls", "starttls", "--auth-user",
                    "sink@example.com", "--password-stdin", "--from", "sink@example.com", "--source", "127.0.0.2,127.0.0.3",
                    "--rate", "50", "-s", "2", "-m", "2", "-n", "4", "-d", "20");
            assertThat(auth.exitCode()).isZero();
            assertThat(auth.out()).contains("messages:   4 ").contains("errors:     none");
            Path file = Files.writeString(dir.resolve("given.eml"), "From: a@example.org\nSubject: given\n\n.a line that starts with a dot\nend");
            CliRun.Result given = run("", "bench", "127.0.0.1:" + inbound, "--data", file.toString(), "-s", "1", "-n", "2", "--json");
            assertThat(given.out()).contains("\"messages\":2,").contains("\"errors\":{}");
            try (var files = Files.walk(data.resolve("spool"))) {
                assertThat(files.filter(Files::isRegularFile).map(CliTest::read).filter(m -> m.contains("Subject: given")))
                        .as("the file's message, as the server stored it: CRLF lines, the dot unstuffed").hasSize(2)
                        .allSatisfy(m -> assertThat(m).contains("Subject: given\r\n\r\n.a line that starts with a dot\r\nend\r\n"));
            }
            CliRun.Result hold = run("", "bench", "127.0.0.1:" + inbound, "--hold", "5", "--hold-time", "1", "--json");
            assertThat(hold.out()).contains("\"still_open\":5");
        }
    }

    @Test
    void benchFailsWhenNothingWasAcceptedAndSaysWhy() throws Exception {
        int closed;
        try (var probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = probe.getLocalPort();
        }
        long start = System.nanoTime();
        CliRun.Result r = run("", "bench", "127.0.0.1:" + closed, "-s", "2", "-n", "1000", "-d", "2", "--json");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).contains("\"messages\":0,").contains("\"connection refused\":");
        assertThat(r.err()).startsWith("mailgate: no message was accepted; errors: {connection refused=");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("--duration bounds the run").isLessThan(Duration.ofSeconds(6));
    }

    @Test
    void benchRefusesBadOptionsWithAClearMessage() {
        assertThat(run("", "bench", "localhost").err()).contains("target must be HOST:PORT");
        assertThat(run("", "bench", "127.0.0.1:99999").err()).contains("port must be from 1 to 65535");
        assertThat(run("", "bench", "127.0.0.1:25", "--tls", "ssl").err()).contains("--tls must be none, starttls or implicit");
        assertThat(run("", "bench", "127.0.0.1:25", "--source", "mail.example.com").err()).contains("--source must be IP addresses");
        assertThat(run("", "bench", "127.0.0.1:25", "--rate", "-1").err()).contains("--rate not negative");
        assertThat(run("", "bench", "127.0.0.1:25", "--auth-user", "a@b.c").err()).contains("--auth-user needs a password");
        assertThat(run("", "bench", "127.0.0.1:25", "--data", "/nonexistent.eml").err()).contains("--data /nonexistent.eml: no such file");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
