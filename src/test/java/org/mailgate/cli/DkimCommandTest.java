package org.mailgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailgate.mailauth.DkimAlgorithm;
import org.mailgate.mailauth.DkimKey;

/** `mailgate dkim` as an admin types it: what each bad argument is told, and the stages a key goes through. */
class DkimCommandTest {
    @TempDir
    Path dir;

    private CliRun.Result dkim(String... args) {
        String[] all = new String[args.length + 3];
        all[0] = "dkim";
        System.arraycopy(args, 0, all, 1, args.length);
        all[args.length + 1] = "--data-dir";
        all[args.length + 2] = dir.resolve("data").toString();
        try {
            Files.createDirectories(dir.resolve("data")); // a server's, which exists
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return CliRun.run("", all);
    }

    @Test
    @DisplayName("each bad argument gets one line saying what was expected, and exit code 1")
    void badArgumentsAreExplained() throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.pem"), "not a key\n");
        Map<String[], String> cases = Map.of(
                new String[] {"keygen", "example.com", "--algorithm", "dsa"}, "--algorithm: expected rsa, ed25519 or both, got \"dsa\"",
                new String[] {"keygen", "example.com", "--selector", "s1"}, "--selector names one key: give --algorithm rsa or --algorithm ed25519 with it",
                new String[] {"keygen", "exa mple"}, "expected a domain name such as example.com, got \"exa mple\"",
                new String[] {"keygen", "example.com", "--algorithm", "rsa", "--selector", "Bad_Sel"}, "expected a selector of lowercase letters",
                new String[] {"import", "example.com", "s2", dir.resolve("none.pem").toString()}, "none.pem: no such file",
                new String[] {"import", "example.com", "s2", junk.toString()}, "junk.pem: no PEM private key found",
                new String[] {"activate", "example.com", "nosuch"}, "no key nosuch of example.com; see: mailgate dkim list");
        cases.forEach((args, message) -> assertThat(dkim(args)).satisfies(r -> {
            assertThat(r.exitCode()).as(String.join(" ", args)).isEqualTo(1);
            assertThat(r.err()).as(String.join(" ", args)).contains(message).doesNotContain("Exception");
        }));
    }

    @Test
    @DisplayName("import takes OpenDKIM's PKCS#1 PEM, refuses a selector taken and an RSA key under 1024 bits (RFC 8301)")
    void importsExistingKeys() throws Exception {
        Path pkcs1 = dir.resolve("opendkim.private");
        Process openssl = new ProcessBuilder("sh", "-c", "openssl genrsa 1024 2>/dev/null | openssl rsa -traditional 2>/dev/null > " + pkcs1
                + " && openssl genrsa 512 2>/dev/null > " + dir.resolve("short.pem")).start();
        assertThat(openssl.waitFor()).isZero();
        assertThat(Files.readString(pkcs1)).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        assertThat(dkim("import", "example.com", "mail", pkcs1.toString()).out())
                .contains("rsa key mail of example.com (1024 bits), pending")
                .contains("mail._domainkey.example.com. 3600 IN TXT \"v=DKIM1; k=rsa; p=");
        assertThat(dkim("import", "example.com", "mail", pkcs1.toString()).err()).contains("a key mail of example.com exists already");
        assertThat(dkim("import", "example.com", "short", dir.resolve("short.pem").toString()).err())
                .contains("an RSA key of 512 bits: receivers refuse keys under 1024 (RFC 8301)");
    }

    @Test
    @DisplayName("pending -> active -> retiring -> retired: activating a second key of an algorithm retires the first; retire refuses an active key")
    void stages() throws Exception {
        Path pem = Files.writeString(dir.resolve("a.pem"), DkimKey.generate(DkimAlgorithm.ED25519_SHA256).pem());
        Path pem2 = Files.writeString(dir.resolve("b.pem"), DkimKey.generate(DkimAlgorithm.ED25519_SHA256).pem());
        assertThat(dkim("import", "example.com", "a", pem.toString()).exitCode()).isZero();
        assertThat(dkim("import", "example.com", "b", pem2.toString()).exitCode()).isZero();
        assertThat(dkim("activate", "example.com", "a", "--force").exitCode()).isZero();
        assertThat(dkim("activate", "example.com", "b", "--force").out()).contains("a of example.com is retiring").contains("b of example.com is active");
        assertThat(dkim("retire", "example.com", "b").err()).contains("b of example.com is active; activate its successor first");
        assertThat(dkim("retire", "example.com", "a").exitCode()).isZero();
        assertThat(dir.resolve("data/dkim/example.com/a.pem")).doesNotExist();
        assertThat(dkim("activate", "example.com", "a", "--force").err()).contains("a of example.com is retired; only a pending or retiring key can be activated");
        assertThat(dkim("list", "--json", "--dns-server", "127.0.0.1:9").out())
                .contains("\"selector\":\"a\",\"algorithm\":\"ed25519\",\"stage\":\"retired\"")
                .contains("\"selector\":\"b\",\"algorithm\":\"ed25519\",\"stage\":\"active\"");
    }
}
