package org.mailgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private Path write(String toml) throws IOException {
        return Files.writeString(dir.resolve("mailgate.toml"), toml);
    }

    @Test
    void readsAFullConfig() throws Exception {
        MailgateConfig config = ConfigLoader.load(write("""
                hostname = "mail.example.com"
                data-dir = "data"
                domains = ["example.com", "Example.ORG"]

                [tls]
                certificate = "/etc/cert.pem"
                key = "/etc/key.pem"

                [limits]
                max-message-size = "10MiB"
                max-recipients = 50
                auth-failure-delay = "250ms"

                [[listener]]
                address = "0.0.0.0"
                port = 587
                kind = "submission"

                [[listener]]
                address = "::"
                port = 25
                kind = "inbound"
                """));
        assertThat(config.hostname()).isEqualTo("mail.example.com");
        assertThat(config.dataDir()).isEqualTo(dir.resolve("data"));
        assertThat(config.domains()).containsExactlyInAnyOrder("example.com", "example.org");
        assertThat(config.limits().maxMessageSize()).isEqualTo(10L * 1024 * 1024);
        assertThat(config.limits().maxRecipients()).isEqualTo(50);
        assertThat(config.limits().authFailureDelay()).isEqualTo(Duration.ofMillis(250));
        assertThat(config.listeners()).containsExactly(
                new ListenerConfig("0.0.0.0", 587, ListenerKind.SUBMISSION), new ListenerConfig("::", 25, ListenerKind.INBOUND));
    }

    @Test
    void unknownKeyNamesFileLineAndTheKeysExpected() throws Exception {
        Path file = write("hostname = \"mx.example.com\"\nhostnme = \"typo\"\n");
        assertThatThrownBy(() -> ConfigLoader.load(file)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(file + ":2:1: unknown key \"hostnme\": expected one of auto-ban, data-dir, delivery, dkim, domains, hostname");
    }

    @Test
    @DisplayName("[dkim]: the defaults sign and oversign From; a header list with a name that is not a field name is refused at its line")
    void dkimTable() throws Exception {
        String listener = "[[listener]]\naddress = \"127.0.0.1\"\nport = 587\nkind = \"submission\"\n";
        MailgateConfig defaults = ConfigLoader.load(write(listener));
        assertThat(defaults.dkim().sign()).isTrue();
        assertThat(defaults.dkim().headers()).startsWith("From", "To", "Cc");
        assertThat(defaults.dkim().expireAfter()).isEmpty();
        MailgateConfig set = ConfigLoader.load(write(listener + "[dkim]\nsign = false\nexpire-after = \"7d\"\nheaders = [\"From\"]\n"));
        assertThat(set.dkim().sign()).isFalse();
        assertThat(set.dkim().expireAfter()).contains(java.time.Duration.ofDays(7));
        assertThat(set.dkim().headers()).containsExactly("From");
        Path bad = write(listener + "[dkim]\nheaders = [\"From\", \"Reply To\"]\n");
        assertThatThrownBy(() -> ConfigLoader.load(bad)).isInstanceOf(ConfigException.class)
                .hasMessage(bad + ":6:20: dkim.headers: expected a header field name such as \"From\", got \"Reply To\"");
    }

    @Test
    @DisplayName("[mailauth] authserv-id: the hostname unless set; a value that is no host name is refused at its line")
    void mailauthAuthservId() throws Exception {
        String top = "hostname = \"mx.example.com\"\n[[listener]]\naddress = \"127.0.0.1\"\nport = 25\nkind = \"inbound\"\n";
        assertThat(ConfigLoader.load(write(top)).mailauth().authservId("mx.example.com")).isEqualTo("mx.example.com");
        MailgateConfig set = ConfigLoader.load(write(top + "[mailauth]\nauthserv-id = \"auth.example.com\"\n"));
        assertThat(set.mailauth().authservId("mx.example.com")).isEqualTo("auth.example.com");
        Path bad = write(top + "[mailauth]\nauthserv-id = \"a b;c\"\n");
        assertThatThrownBy(() -> ConfigLoader.load(bad)).isInstanceOf(ConfigException.class).hasMessageContaining(bad + ":7:1:");
    }

    @Test
    @DisplayName("[mailauth] each finding's action: refuse, junk or accept; anything else is refused at its line")
    void mailauthActions() throws Exception {
        String top = "[[listener]]\naddress = \"127.0.0.1\"\nport = 25\nkind = \"inbound\"\n";
        MailauthConfig defaults = ConfigLoader.load(write(top)).mailauth();
        assertThat(List.of(defaults.dmarcReject(), defaults.dmarcQuarantine(), defaults.localForgery(), defaults.spfFail())).containsExactly(
                MailauthConfig.Action.REFUSE, MailauthConfig.Action.JUNK, MailauthConfig.Action.REFUSE, MailauthConfig.Action.ACCEPT);
        MailauthConfig set = ConfigLoader.load(write(top + "[mailauth]\ndmarc-reject = \"junk\"\ndmarc-quarantine = \"accept\"\n"
                + "local-forgery = \"junk\"\nspf-fail = \"refuse\"\n")).mailauth();
        assertThat(List.of(set.dmarcReject(), set.dmarcQuarantine(), set.localForgery(), set.spfFail())).containsExactly(
                MailauthConfig.Action.JUNK, MailauthConfig.Action.ACCEPT, MailauthConfig.Action.JUNK, MailauthConfig.Action.REFUSE);
        Path bad = write(top + "[mailauth]\ndmarc-reject = true\n");
        assertThatThrownBy(() -> ConfigLoader.load(bad)).hasMessage(bad
                + ":6:1: mailauth.dmarc-reject: expected \"refuse\", \"junk\" or \"accept\", got true");
    }

    @Test
    @DisplayName("[log]: text at info by default; level and format by name, anything else refused at its line")
    void logLevelAndFormat() throws Exception {
        String top = "[[listener]]\naddress = \"127.0.0.1\"\nport = 25\nkind = \"inbound\"\n";
        LogConfig defaults = ConfigLoader.load(write(top)).log();
        assertThat(List.of(defaults.level(), defaults.format())).containsExactly(LogConfig.Level.INFO, LogConfig.Format.TEXT);
        LogConfig set = ConfigLoader.load(write(top + "[log]\nlevel = \"debug\"\nformat = \"json\"\n")).log();
        assertThat(List.of(set.level(), set.format())).containsExactly(LogConfig.Level.DEBUG, LogConfig.Format.JSON);
        Path bad = write(top + "[log]\nlevel = \"verbose\"\n");
        assertThatThrownBy(() -> ConfigLoader.load(bad)).hasMessage(bad
                + ":6:1: log.level: expected \"error\", \"warn\", \"info\" or \"debug\", got \"verbose\"");
    }

    @Test
    @DisplayName("[mailauth] ARC is off by default; trusted sealers need it on, or the file is refused at their line")
    void mailauthArc() throws Exception {
        String top = "[[listener]]\naddress = \"127.0.0.1\"\nport = 25\nkind = \"inbound\"\n";
        assertThat(ConfigLoader.load(write(top)).mailauth().arc()).isFalse();
        MailgateConfig on = ConfigLoader.load(write(top + "[mailauth]\narc = true\narc-trusted-sealers = [\"Lists.Example.org\"]\n"));
        assertThat(on.mailauth().arc()).isTrue();
        assertThat(on.mailauth().arcTrustedSealers()).containsExactly("lists.example.org");
        Path off = write(top + "[mailauth]\narc-trusted-sealers = [\"lists.example.org\"]\n");
        assertThatThrownBy(() -> ConfigLoader.load(off)).isInstanceOf(ConfigException.class).hasMessage(off
                + ":6:1: mailauth.arc-trusted-sealers: trusted sealers need ARC verification on: add arc = true to [mailauth]");
    }

    @Test
    void wrongTypeSaysWhatWasExpected() throws Exception {
        Path file = write("[[listener]]\naddress = \"127.0.0.1\"\nport = \"587\"\nkind = \"submission\"\n");
        assertThatThrownBy(() -> ConfigLoader.load(file)).hasMessage(file + ":3:1: port: expected a port number from 0 to 65535, got \"587\"");
    }

    @Test
    void wrongValueSaysWhatWasExpected() throws Exception {
        Path file = write("[[listener]]\naddress = \"127.0.0.1\"\nport = 587\nkind = \"smtp\"\n");
        assertThatThrownBy(() -> ConfigLoader.load(file))
                .hasMessage(file + ":4:1: listener.kind: expected one of \"submission\", \"submissions\", \"inbound\", got \"smtp\"");
        Path limits = write("[limits]\nauth-failure-delay = 5\n[[listener]]\naddress = \"127.0.0.1\"\nport = 587\nkind = \"inbound\"\n");
        assertThatThrownBy(() -> ConfigLoader.load(limits)).hasMessageContaining(":2:1: auth-failure-delay: expected a duration");
    }

    @Test
    void syntaxErrorHasItsPosition() throws Exception {
        Path file = write("hostname = \"unterminated\n");
        assertThatThrownBy(() -> ConfigLoader.load(file)).hasMessageStartingWith(file + ":1:").hasMessageContaining("TOML syntax error");
    }

    @Test
    void listenersAreRequired() throws Exception {
        Path file = write("hostname = \"mx.example.com\"\n");
        assertThatThrownBy(() -> ConfigLoader.load(file)).hasMessageContaining("no [[listener]] defined");
    }

    @Test
    void readsTheProtections() throws Exception {
        MailgateConfig config = ConfigLoader.load(write("""
                trusted-proxies = ["10.0.0.5", "2001:db8::/32"]

                [limits]
                max-errors = 5
                max-connections-per-address = 7
                session-timeout = "10m"

                [login-throttle]
                lockout-after = 4
                known-good = "7d"

                [sending-limits]
                messages-per-hour = 30

                [auto-ban]
                duration = "0s"

                [tls]
                certificate = "/etc/cert.pem"
                key = "/etc/key.pem"
                [[tls.sni]]
                certificate = "/etc/other-cert.pem"
                key = "/etc/other-key.pem"

                [[listener]]
                address = "0.0.0.0"
                port = 25
                kind = "inbound"
                proxy-protocol = true
                trusted-networks = ["10.1.0.0/16"]
                """));
        assertThat(config.trustedProxies()).extracting(Object::toString).containsExactly("10.0.0.5/32", "2001:db8::/32");
        assertThat(config.limits().maxErrors()).isEqualTo(5);
        assertThat(config.limits().maxConnectionsPerAddress()).isEqualTo(7);
        assertThat(config.limits().sessionTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(config.limits().maxConnections()).isEqualTo(Limits.DEFAULTS.maxConnections());
        assertThat(config.loginThrottle().lockoutAfter()).isEqualTo(4);
        assertThat(config.loginThrottle().knownGood()).isEqualTo(Duration.ofDays(7));
        assertThat(config.sendingLimits().messagesPerHour()).isEqualTo(30);
        assertThat(config.sendingLimits().messagesPerDay()).isEqualTo(SendingLimitsConfig.DEFAULTS.messagesPerDay());
        assertThat(config.autoBan().enabled()).isFalse();
        assertThat(config.tls().sni()).containsExactly(new TlsConfig.CertificateFiles(Path.of("/etc/other-cert.pem"), Path.of("/etc/other-key.pem")));
        assertThat(config.listeners().get(0).proxyProtocol()).isTrue();
        assertThat(config.listeners().get(0).trusts(InetAddress.getByName("10.1.2.3"), config.limits())).isTrue();
        assertThat(config.listeners().get(0).trusts(InetAddress.getByName("10.2.2.3"), config.limits())).isFalse();
    }

    @Test
    void badProtectionValuesSayWhatWasExpected() throws Exception {
        String listener = "[[listener]]\naddress = \"127.0.0.1\"\nport = 25\nkind = \"inbound\"\n";
        Path proxies = write("trusted-proxies = [\"10.0.0.0/33\"]\n" + listener);
        assertThatThrownBy(() -> ConfigLoader.load(proxies)).hasMessage(proxies + ":1:20: trusted-proxies: expected addresses or networks such as \"10.0.0.0/8\" or \"2001:db8::/32\", got \"10.0.0.0/33\"");
        Path limit = write("[sending-limits]\nmessages-per-hour = 0\n" + listener);
        assertThatThrownBy(() -> ConfigLoader.load(limit)).hasMessage(limit + ":2:1: messages-per-hour: expected a positive integer, got 0");
        Path unknown = write("[auto-ban]\nbanish = true\n" + listener);
        assertThatThrownBy(() -> ConfigLoader.load(unknown)).hasMessageContaining("unknown key \"auto-ban.banish\": expected one of duration, failed-logins");
    }

    @Test
    @DisplayName("[delivery] with a smart host, TLS overrides and LMTP reads into one typed record")
    void readsTheDelivery() throws Exception {
        Files.writeString(dir.resolve("smarthost-password"), "s3cret\n");
        Path file = write("""
                [[listener]]
                address = "127.0.0.1"
                port = 25
                kind = "inbound"

                [delivery]
                port = 2525
                dns-servers = ["127.0.0.1:5353", "[::1]:53"]
                dnssec = "off"
                per-destination = 3
                retry-first = "2m"
                retry-max = "1h"
                expire = "3d"
                lmtp = "127.0.0.1:24"
                enabled = false

                [delivery.tls-policy]
                "bank.example" = "require-tls"
                "old.example" = "none"

                [delivery.smarthost]
                host = "smtp.provider.example"
                tls = "implicit"
                username = "app@example.com"
                password-file = "smarthost-password"
                domains = ["example.org"]
                """);
        DeliveryConfig d = ConfigLoader.load(file).delivery();
        assertThat(d.port()).isEqualTo(2525);
        assertThat(d.dnsServers()).containsExactly("127.0.0.1:5353", "[::1]:53");
        assertThat(d.dnssec()).isEqualTo(DeliveryConfig.Dnssec.OFF);
        assertThat(d.perDestination()).isEqualTo(3);
        assertThat(d.concurrency()).isEqualTo(DeliveryConfig.DEFAULTS.concurrency());
        assertThat(d.retryFirst()).isEqualTo(Duration.ofMinutes(2));
        assertThat(d.retryMax()).isEqualTo(Duration.ofHours(1));
        assertThat(d.expire()).isEqualTo(Duration.ofDays(3));
        assertThat(d.delayWarning()).isEqualTo(Duration.ofHours(4));
        assertThat(d.lmtp()).isEqualTo(new DeliveryConfig.LmtpConfig("127.0.0.1", 24));
        assertThat(d.enabled()).isFalse();
        assertThat(DeliveryConfig.DEFAULTS.enabled()).isTrue();
        assertThat(d.tlsPolicy()).containsEntry("bank.example", DeliveryConfig.TlsMode.REQUIRE_TLS)
                .containsEntry("old.example", DeliveryConfig.TlsMode.NONE);
        assertThat(d.smartHost()).isEqualTo(new DeliveryConfig.SmartHostConfig("smtp.provider.example", 465, true,
                "app@example.com", "s3cret", java.util.Set.of("example.org"), d.smartHost().passwordFile()));
        assertThat(d.smartHost().passwordFile()).isEqualTo(file.resolveSibling("smarthost-password"));
        assertThat(d.smartHost().toString()).doesNotContain("s3cret");
    }

    @Test
    void badDeliveryValuesSayWhatWasExpected() throws Exception {
        String listener = "[[listener]]\naddress = \"127.0.0.1\"\nport = 25\nkind = \"inbound\"\n";
        Path policy = write(listener + "[delivery.tls-policy]\n\"example.com\" = \"maybe\"\n");
        assertThatThrownBy(() -> ConfigLoader.load(policy)).hasMessage(policy
                + ":6:1: delivery.tls-policy: expected \"domain\" = \"require-tls\" or \"none\", got \"example.com\" = \"maybe\"");
        Path noPassword = write(listener + "[delivery.smarthost]\nhost = \"relay.example\"\nusername = \"me\"\n");
        assertThatThrownBy(() -> ConfigLoader.load(noPassword)).hasMessage(noPassword
                + ": delivery.smarthost: username and a password (password-file or password-env) go together");
        Path env = write(listener + "[delivery.smarthost]\nhost = \"relay.example\"\nusername = \"me\"\npassword-env = \"MAILGATE_TEST_UNSET_VARIABLE\"\n");
        assertThatThrownBy(() -> ConfigLoader.load(env)).hasMessageContaining(
                "delivery.smarthost.password-env: the environment variable MAILGATE_TEST_UNSET_VARIABLE is not set");
        Path dns = write(listener + "[delivery]\ndns-servers = [\"not a server\"]\n");
        assertThatThrownBy(() -> ConfigLoader.load(dns)).hasMessageContaining("delivery.dns-servers: expected an address");
        Path anchors = write(listener + "[delivery]\ntrust-anchors = \"no-such-file\"\n");
        assertThatThrownBy(() -> ConfigLoader.load(anchors)).hasMessageContaining("delivery.trust-anchors: cannot read ")
                .hasMessageContaining("no-such-file (expected a file of DS or DNSKEY records)");
        Path lmtp = write(listener + "[delivery]\nlmtp = \"dovecot:lmtp:24\"\n");
        assertThatThrownBy(() -> ConfigLoader.load(lmtp)).hasMessageContaining("lmtp: expected \"host:port\" of an LMTP server");
        Path port = write(listener + "[delivery]\nport = 0\n");
        assertThatThrownBy(() -> ConfigLoader.load(port)).hasMessage(port + ":6:1: port: expected a port number from 1 to 65535, got 0");
    }

    @Test
    void storageReadsItsPasswordAndSaysWhatPostgresNeeds() throws Exception {
        String listener = "[[listener]]\naddress = \"127.0.0.1\"\nport = 25\nkind = \"inbound\"\n";
        assertThat(ConfigLoader.load(write(listener)).storage()).isEqualTo(StorageConfig.FILE);
        Files.writeString(dir.resolve("db-password"), "pg-s3cret\n");
        StorageConfig postgres = ConfigLoader.load(write(listener + """
                [storage]
                kind = "postgres"
                url = "jdbc:postgresql://127.0.0.1:5432/mailgate"
                user = "mailgate"
                password-file = "%s"
                node = "mx2"
                pool-size = 4
                """.formatted(dir.resolve("db-password")))).storage();
        assertThat(postgres).isEqualTo(new StorageConfig(StorageConfig.Kind.POSTGRES, "jdbc:postgresql://127.0.0.1:5432/mailgate", "mailgate",
                "pg-s3cret", "mx2", 4, dir.resolve("db-password")));
        assertThat(postgres.toString()).doesNotContain("pg-s3cret");
        assertThat(postgres.nodeName("mail.example.com")).isEqualTo("mx2");

        Path noUrl = write(listener + "[storage]\nkind = \"postgres\"\n");
        assertThatThrownBy(() -> ConfigLoader.load(noUrl)).hasMessage(noUrl
                + ":6:1: storage: kind = \"postgres\" needs url = \"jdbc:postgresql://HOST:PORT/DATABASE\"");
        Path badUrl = write(listener + "[storage]\nkind = \"postgres\"\nurl = \"postgres://db/mailgate\"\nuser = \"m\"\n");
        assertThatThrownBy(() -> ConfigLoader.load(badUrl)).hasMessage(badUrl
                + ":7:1: storage.url: expected a JDBC URL, jdbc:postgresql://HOST:PORT/DATABASE, got \"postgres://db/mailgate\"");
        Path fileWithUrl = write(listener + "[storage]\nurl = \"jdbc:postgresql://db/mailgate\"\n");
        assertThatThrownBy(() -> ConfigLoader.load(fileWithUrl)).hasMessage(fileWithUrl + ":6:1: storage.url: only for kind = \"postgres\"");
        Path both = write(listener + "[storage]\nkind = \"postgres\"\nurl = \"jdbc:postgresql://db/m\"\nuser = \"m\"\n"
                + "password-file = \"x\"\npassword-env = \"Y\"\n");
        assertThatThrownBy(() -> ConfigLoader.load(both)).hasMessage(both + ":10:1: storage: password-file and password-env are exclusive: give one");
        Path kind = write(listener + "[storage]\nkind = \"cassandra\"\n");
        assertThatThrownBy(() -> ConfigLoader.load(kind)).hasMessageContaining("kind: expected \"file\" or \"postgres\"");
    }
}
