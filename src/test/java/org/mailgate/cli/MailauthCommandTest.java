package org.mailgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `mailgate mailauth` against a zone file: what an admin sees before publishing a record. */
class MailauthCommandTest {
    @TempDir Path dir;

    private Path zone() throws Exception {
        Path zone = dir.resolve("example.org.zone");
        String keys = Files.readString(Path.of(getClass().getResource("/dkim/dkimpy.zone").toURI()));
        Files.writeString(zone, keys + "@ 300 IN TXT \"v=spf1 ip4:192.0.2.0/24 -all\"\n_dmarc 300 IN TXT \"v=DMARC1; p=reject\"\n");
        return zone;
    }

    private String message(String name) throws Exception {
        return new String(getClass().getResourceAsStream("/dkim/" + name).readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void verifyPrintsTheFieldAndEachChecksReasoning() throws Exception {
        CliRun.Result r = CliRun.run(message("dkimpy-rsa-relaxed-relaxed.eml"), "mailauth", "verify", "--ip", "192.0.2.7",
                "--sender", "alice@example.org", "--zone", zone().toString(), "--authserv-id", "mx.example.net");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).startsWith("Authentication-Results: mx.example.net;\r\n")
                .contains("spf=pass (matched ip4:192.0.2.0/24 in the record of example.org) smtp.mailfrom=alice@example.org")
                .contains("dkim=pass header.d=example.org header.s=rsa header.a=rsa-sha256")
                .contains("dmarc=pass (DKIM aligned with example.org) header.from=example.org policy.dmarc=reject");
    }

    @Test
    void aForgeryFromElsewhereFailsDmarcUnderReject() throws Exception {
        String forged = message("dkimpy-rsa-relaxed-relaxed.eml").replace("Hello", "Urgent");
        CliRun.Result r = CliRun.run(forged, "mailauth", "verify", "--json", "--ip", "203.0.113.9", "--sender", "alice@example.org",
                "--zone", zone().toString());
        assertThat(r.exitCode()).isZero(); // it ran, whatever the verdict
        assertThat(r.out()).contains("\"requested\":\"reject\"").contains("\"result\":\"fail\"");
    }

    @Test
    void aHeaderOnlyMessageWithLfLineEndsIsRead() throws Exception {
        CliRun.Result r = CliRun.run("From: a@example.org\nSubject: x\n", "mailauth", "verify", "--json", "--sender", "a@example.org",
                "--zone", zone().toString());
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("\"from\":\"example.org\"").contains("\"dkim\":[]");
    }

    @Test
    void arcIsValidatedWhenAsked() throws Exception {
        String test = new String(getClass().getResourceAsStream("/stalwart/arc/002.txt").readAllBytes(), StandardCharsets.UTF_8);
        String[] parts = test.split("\n\n", 2);
        StringBuilder zone = new StringBuilder();
        for (String line : parts[0].split("\n")) {
            zone.append(line, 0, line.indexOf(' ')).append(". 300 IN TXT \"").append(line.substring(line.indexOf(' ') + 1)).append("\"\n");
        }
        Path file = Files.writeString(dir.resolve("arc.zone"), zone);
        CliRun.Result r = CliRun.run(parts[1], "mailauth", "verify", "--arc", "--zone", file.toString());
        assertThat(r.out()).contains("arc=pass (i=2 sealed by manchego.org) smtp.remote-ip=127.0.0.1")
                .contains("arc: pass (2 sets, the newest sealed by manchego.org)");
        assertThat(CliRun.run(parts[1], "mailauth", "verify", "--arc", "--json", "--zone", file.toString()).out())
                .contains("\"arc\":{\"result\":\"pass\",\"instances\":2,\"sealer\":\"manchego.org\",\"reason\":\"\"}");
        assertThat(CliRun.run(parts[1], "mailauth", "verify", "--zone", file.toString()).out()).doesNotContain("\tarc=").doesNotContain("\narc:");
    }

    @Test
    void spfSaysWhichTermMatched() throws Exception {
        CliRun.Result r = CliRun.run("", "mailauth", "spf", "--ip", "198.51.100.1", "--sender", "alice@example.org", "--zone", zone().toString());
        assertThat(r.out()).isEqualTo("fail: matched -all in the record of example.org\n");
    }

    @Test
    void badArgumentsAreExplained() throws Exception {
        assertThat(CliRun.run("", "mailauth", "spf", "--ip", "mail.example.org", "--sender", "a@example.org", "--zone", zone().toString()).err())
                .contains("--ip: expected an IPv4 or IPv6 address, got \"mail.example.org\"");
        assertThat(CliRun.run("", "mailauth", "spf", "--ip", "192.0.2.1", "--sender", "a@example.org", "--zone", "/nonexistent").err())
                .contains("--zone /nonexistent: no such file, or it cannot be read");
        Path broken = Files.writeString(dir.resolve("broken.zone"), "$ORIGIN example.org.\n@ 300 IN A not-an-address\n");
        CliRun.Result r = CliRun.run("", "mailauth", "spf", "--ip", "192.0.2.1", "--sender", "a@example.org", "--zone", broken.toString());
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.err()).contains("--zone " + broken + ": broken.zone:2: Invalid address: not-an-address").doesNotContain("Exception");
    }
}
