package org.mailgate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailgate.config.DeliveryConfig;
import org.mailgate.config.Limits;
import org.mailgate.config.ListenerConfig;
import org.mailgate.config.ListenerKind;
import org.mailgate.config.MailgateConfig;
import org.mailgate.config.StorageConfig;
import org.mailgate.delivery.TestCertificates;
import org.mailgate.dns.FakeResolver;
import org.mailgate.probe.Finding;
import org.mailgate.probe.TlsOffer;

/** `mailgate audit`: a server as it comes is free of FAILs, on the wire too; a deliberately bad setup shows each FAIL with its fix. */
class AuditCommandTest {
    @TempDir Path dir;

    @Test
    @DisplayName("the defaults, with the server running: no FAIL; the wire checks pass; a self-signed certificate and no DKIM key are WARNs")
    void theDefaultsPass() throws Exception {
        Path data = dataWith("alice@example.com");
        MailgateConfig base = new MailgateConfig("mx.test", data, Set.of("example.com"), List.of(
                new ListenerConfig("127.0.0.1", 0, ListenerKind.SUBMISSION), new ListenerConfig("127.0.0.1", 0, ListenerKind.SUBMISSIONS),
                new ListenerConfig("127.0.0.1", 0, ListenerKind.INBOUND)), null, Limits.DEFAULTS);
        MailgateConfig config = base.withDelivery(base.delivery().with(DeliveryConfig.ENABLED, false));
        try (Mailgate mailgate = Mailgate.start(config, Clock.systemUTC())) {
            MailgateConfig running = config.withListeners(mailgate.server().bound().stream()
                    .map(b -> new ListenerConfig("127.0.0.1", b.address().getPort(), b.listener().kind())).toList());
            List<Finding> findings = new Audit(running, data, Clock.systemUTC(), Optional.of(new FakeResolver())).run(Duration.ofSeconds(5));
            assertThat(findings).noneMatch(f -> f.level() == Finding.Level.FAIL);
            int submission = running.listeners().get(0).port();
            int inbound = running.listeners().get(2).port();
            assertThat(findings).extracting(Finding::where, Finding::what).contains(
                    tuple("files", "the data directory, the user file, the DKIM keys, the TLS key and the password files are private"),
                    tuple(String.valueOf(submission), "no AUTH before TLS"),
                    tuple("users", "1 user, each sending as their own addresses, with Argon2id hashes"));
            assertThat(findings).anyMatch(f -> f.where().equals(String.valueOf(inbound)) && f.what().startsWith("no relaying for strangers (554 5.7.1"));
            assertThat(findings).anyMatch(f -> f.where().equals(String.valueOf(inbound)) && f.what().startsWith("VRFY names no one (252"));
            for (ListenerConfig listener : running.listeners()) {
                String where = String.valueOf(listener.port());
                assertThat(findings).as("TLS on " + listener.kind()).anyMatch(f -> f.where().equals(where) && f.what().matches("TLS: TLSv1.3 TLS_\\w+"))
                        .contains(Finding.ok(where, "TLS 1.2 without forward secrecy or with CBC is refused (" + TlsOffer.WEAK_SUITES.size()
                                + " such suites offered)"));
            }
            assertThat(TlsOffer.WEAK_SUITES).as("this Java offers weak suites, so the check tries something").isNotEmpty();
            assertThat(findings).anyMatch(f -> f.level() == Finding.Level.WARN && f.what().startsWith("a self-signed certificate"));
            assertThat(findings).anyMatch(f -> f.level() == Finding.Level.WARN && f.what().startsWith("no active DKIM key for example.com"));
            assertThat(findings).as("nothing published yet: each record a WARN with the line to publish").anyMatch(f -> f.level() == Finding.Level.WARN
                    && f.what().startsWith("example.com: DMARC (RFC 9989)") && f.fix().startsWith("publish _dmarc.example.com. 3600 IN TXT"));
        }
    }

    @Test
    @DisplayName("a resolver that cannot answer skips the DNS records, said once")
    void dnsThatDoesNotAnswerIsSkipped() throws Exception {
        Path data = dataWith("alice@example.com");
        MailgateConfig config = new MailgateConfig("mx.test", data, Set.of("example.com"), List.of(), null, Limits.DEFAULTS);
        List<Finding> findings = new Audit(config, data, Clock.systemUTC(), Optional.of(new FakeResolver().fail("example.com", "MX", "timed out")))
                .run(Duration.ofSeconds(5));
        assertThat(findings).filteredOn(f -> f.where().equals("dns")).extracting(Finding::level, Finding::what)
                .containsExactly(tuple(Finding.Level.INFO, "DNS does not answer (timed out): the domains' records are not checked"));
    }

    @Test
    @DisplayName("[storage] on a database that does not answer: a FAIL with what to check")
    void sharedDatabaseDownFails() throws Exception {
        Path data = dataWith("alice@example.com");
        int closed;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        MailgateConfig config = new MailgateConfig("mx.test", data, Set.of("example.com"), List.of(), null, Limits.DEFAULTS)
                .withStorage(new StorageConfig(StorageConfig.Kind.POSTGRES, "jdbc:postgresql://127.0.0.1:" + closed + "/mailgate", "mailgate", "x", "", 2, null));
        List<Finding> findings = new Audit(config, data, Clock.systemUTC(), Optional.empty()).run(Duration.ofSeconds(5));
        assertThat(findings).filteredOn(f -> f.where().equals("storage")).singleElement().satisfies(f -> {
            assertThat(f.level()).isEqualTo(Finding.Level.FAIL);
            assertThat(f.what()).startsWith("the shared database does not answer: cannot connect to jdbc:postgresql://127.0.0.1:" + closed);
            assertThat(f.fix()).startsWith("check [storage] url, user and password");
        });
    }

    @Test
    @DisplayName("a bad setup: files others can read, limits that exempt everyone, a certificate for another name; each FAIL has its fix, exit 1")
    void aBadSetupFails() throws Exception {
        Path data = dataWith("app@example.com", "--any-sender");
        Path passwd = Files.writeString(dir.resolve("passwd"), "old@example.com:{SHA512-CRYPT}$6$saltsalt$" + "a".repeat(86) + "\n");
        CliRun.run("", "user", "import", passwd.toString(), "--data-dir", data.toString());
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(data.resolve("users"), PosixFilePermissions.fromString("rw-r--r--"));
        TestCertificates.Identity other = TestCertificates.selfSigned("other.test");
        Path certificate = TestCertificates.writePem(other.chain()[0], dir.resolve("cert.pem"));
        Path key = dir.resolve("key.pem");
        try (var out = Files.newBufferedWriter(key); var pem = new JcaPEMWriter(out)) {
            pem.writeObject(new JcaPKCS8Generator(other.keys().getPrivate(), null));
        }
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        Path relayPassword = Files.writeString(dir.resolve("relay.password"), "relay-secret\n");
        Files.setPosixFilePermissions(relayPassword, PosixFilePermissions.fromString("rw-r--r--"));
        Path config = Files.writeString(dir.resolve("bad.toml"), "hostname = \"mx.example.com\"\ndata-dir = \"" + data + "\"\n"
                + "domains = [\"example.com\"]\ntrusted-proxies = [\"0.0.0.0/0\"]\n"
                + "[tls]\ncertificate = \"" + certificate + "\"\nkey = \"" + key + "\"\n"
                + "[limits]\ntrusted-networks = [\"0.0.0.0/0\"]\nmin-password-length = 4\n[auto-ban]\nduration = \"0s\"\n"
                + "[delivery.smarthost]\nhost = \"smtp.provider.example\"\nusername = \"app\"\npassword-file = \"" + relayPassword + "\"\n"
                + "[[listener]]\naddress = \"127.0.0.1\"\nport = 0\nkind = \"submission\"\n");

        CliRun.Result audit = CliRun.run("", "audit", "--config", config.toString(), "--no-dns");
        assertThat(audit.exitCode()).as(audit.out() + audit.err()).isEqualTo(1);
        assertThat(audit.out()).contains(
                "FAIL  files   the data directory " + data + " is readable by every user of this machine",
                "      fix:    chmod 700 " + data,
                "FAIL  files   the user file " + data.resolve("users") + " is readable by other users",
                "      fix:    chmod 600 " + data.resolve("users"),
                "FAIL  files   the TLS key " + key + " is readable by every user of this machine",
                "FAIL  files   the smart host's password file " + relayPassword + " is readable by every user of this machine: anyone on"
                        + " this machine could log in with it",
                "      fix:    chmod 640 " + relayPassword + " (group mailgate)",
                "FAIL  tls     the certificate does not name the hostname mx.example.com (it names other.test)",
                "FAIL  limits  trusted-networks covers the whole Internet",
                "FAIL  limits  trusted-proxies covers the whole Internet",
                "      fix:    name your own networks only, e.g. 10.0.0.0/8",
                "WARN  limits  automatic bans are off",
                "WARN  limits  min-password-length is 4",
                "WARN  users   may send as any address (--any-sender): app@example.com",
                "WARN  users   imported bcrypt or SHA-512-crypt hashes, not yet re-hashed to Argon2id (each is at the user's next login):"
                        + " old@example.com",
                "WARN  dkim    no active DKIM key for example.com");
        assertThat(audit.out()).containsPattern("\\d+ to fix, \\d+ to look at, \\d+ fine\n$");
    }

    /** A data directory with one user, added as an admin would. */
    private Path dataWith(String address, String... options) {
        Path data = dir.resolve("data");
        List<String> args = new ArrayList<>(List.of("user", "add", address, "--password-stdin", "--data-dir", data.toString()));
        args.addAll(List.of(options));
        assertThat(CliRun.run("audit-secret\n", args.toArray(String[]::new)).exitCode()).isZero();
        return data;
    }
}
