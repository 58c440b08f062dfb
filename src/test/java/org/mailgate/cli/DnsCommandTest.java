package org.mailgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailgate.testing.KnotDns;

/** `mailgate dns --check` and `mailgate dkim activate` against a real DNS server (Knot) on loopback, serving a partly wrong zone. */
class DnsCommandTest {
    @TempDir
    Path dir;

    @Test
    @DisplayName("dns --check says of each record OK, MISSING or WRONG and why, and exits 1; activate needs the record in DNS")
    void checkReportsEachMissingOrWrongRecord() throws Exception {
        String data = dir.resolve("data").toString();
        Path config = dir.resolve("mailgate.toml");
        Files.writeString(config, """
                hostname = "mx.example.test"
                domains = ["example.test"]
                [[listener]]
                address = "127.0.0.1"
                port = 587
                kind = "submission"
                [[listener]]
                address = "127.0.0.1"
                port = 465
                kind = "submissions"
                """);
        String keygen = CliRun.run("", "dkim", "keygen", "example.test", "--data-dir", data).out();
        String rsa = record(keygen, "rsa");
        String rsaSelector = selector(keygen, "rsa");
        String edSelector = selector(keygen, "ed25519");
        try (KnotDns dns = KnotDns.start(dir.resolve("dns"), "example.test.", """
                @ MX 10 mx
                mx A 127.0.0.1
                @ TXT "v=spf1 mx -all"
                @ TXT "v=spf1 ip4:192.0.2.1 -all"
                %s._domainkey TXT %s
                %s._domainkey TXT "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
                _dmarc TXT "v=DMARC1; p=none"
                _smtp._tls TXT "v=TLSRPTv1; rua=mailto:postmaster@example.test"
                _submission._tcp SRV 0 1 587 mx.example.test.
                """.formatted(rsaSelector, rsa, edSelector), false)) {
            String server = dns.server();

            CliRun.Result check = CliRun.run("", "dns", "example.test", "--check", "--config", config.toString(), "--data-dir", data,
                    "--dns-server", server);

            assertThat(check.exitCode()).isEqualTo(1);
            assertThat(check.out())
                    .containsPattern("OK +MX: .*\\n +MX \\[mx.example.test\\]")
                    .containsPattern("WRONG +SPF.*\\n +2 SPF records")
                    .containsPattern("OK +DKIM \\(RFC 6376\\): the pending rsa key " + rsaSelector)
                    .containsPattern("WRONG +DKIM \\(RFC 6376\\): the pending ed25519 key " + edSelector + "\\n +different: DNS serves another key")
                    .containsPattern("WRONG +DMARC.*\\n +p=none")
                    .containsPattern("MISSING +MTA-STS.*\\n.*\\n +publish: _mta-sts.example.test. 3600 IN TXT \"v=STSv1; id=")
                    .containsPattern("OK +TLS-RPT")
                    .containsPattern("OK +SRV \\(RFC 6186\\): mail clients find submission on 587")
                    .containsPattern("MISSING +SRV \\(RFC 6186\\): mail clients find submission on 465.*\\n.*\\n"
                            + " +publish: _submissions._tcp.example.test. 3600 IN SRV 0 1 465 mx.example.test.")
                    .containsPattern("record\\(s\\) missing or wrong");

            assertThat(CliRun.run("", "dkim", "activate", "example.test", edSelector, "--data-dir", data, "--dns-server", server))
                    .satisfies(r -> assertThat(r.exitCode()).isNotZero())
                    .satisfies(r -> assertThat(r.err()).contains("DNS does not serve the record of " + edSelector + "._domainkey.example.test"));
            assertThat(CliRun.run("", "dkim", "activate", "example.test", rsaSelector, "--data-dir", data, "--dns-server", server).exitCode())
                    .isZero();
            assertThat(CliRun.run("", "dkim", "list", "--data-dir", data, "--dns-server", server).out())
                    .containsPattern(rsaSelector + " +rsa +active .*DNS: published")
                    .containsPattern(edSelector + " +ed25519 +pending .*DNS: different");
        }
    }

    /** The TXT strings of the key's zone-file line, as keygen printed them. */
    private static String record(String keygen, String algorithm) {
        Matcher m = Pattern.compile("-" + algorithm + "\\._domainkey\\.example\\.test\\. 3600 IN TXT (.*)").matcher(keygen);
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    private static String selector(String keygen, String algorithm) {
        Matcher m = Pattern.compile("(\\d{8}-" + algorithm + ")\\._domainkey").matcher(keygen);
        assertThat(m.find()).isTrue();
        return m.group(1);
    }
}
