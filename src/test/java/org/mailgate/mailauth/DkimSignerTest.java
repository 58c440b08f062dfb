package org.mailgate.mailauth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mailgate.mail.Mailbox;
import org.mailgate.message.Client;
import org.mailgate.message.MemorySink;
import org.mailgate.message.MessageAssembly;
import org.mailgate.message.MessagePipeline;
import org.mailgate.message.Transaction;

/** Which mail is signed, with which keys, and how the fields read; that the signatures verify is tests/dkim-e2e.sh's (dkimpy, mailauth). */
class DkimSignerTest {
    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");
    private static final Map<String, List<SigningKey>> KEYS = Map.of("example.com", List.of(
            new SigningKey("example.com", "r1", DkimKey.generate(DkimAlgorithm.RSA_SHA256)),
            new SigningKey("example.com", "e1", DkimKey.generate(DkimAlgorithm.ED25519_SHA256))));

    private static String signed(String message, Optional<Duration> expiry) throws Exception {
        DkimSigner signer = new DkimSigner(d -> KEYS.getOrDefault(d, List.of()), new DkimSigner.Policy(List.of("From", "To", "Subject"),
                List.of("List-Id"), expiry), java.time.Clock.fixed(NOW, ZoneOffset.UTC));
        MemorySink sink = new MemorySink();
        Transaction t = new Transaction("1M8AAAAAA0000AAAA", NOW, new Client("192.0.2.7", "client.test", Optional.of("alice@example.com")),
                "ESMTPSA", Optional.of(Mailbox.stored("alice@example.com")), List.of(Mailbox.stored("bob@example.org")));
        MessageAssembly a = new MessagePipeline(List.of(), List.of(), List.of(signer), List.of(), 64 * 1024).assemble(t, List.of(), sink);
        a.append(message.getBytes(StandardCharsets.UTF_8));
        assertThat(a.finish()).isEmpty();
        return sink.toString(StandardCharsets.UTF_8);
    }

    @Test
    @DisplayName("dual-signed, RSA first: one body hash, t= the signing time, From oversigned, List-Id signed as often as present")
    void signsWithEveryActiveKeyOfTheFromDomain() throws Exception {
        String out = signed("From: Alice <alice@example.com>\r\nTo: bob@example.org\r\nList-Id: <x.example.com>\r\n\r\nHi.\r\n", Optional.empty());
        String[] signatures = out.split("(?=DKIM-Signature:)");
        assertThat(out).startsWith("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com;\r\n\ts=r1; t=" + NOW.getEpochSecond() + ";");
        assertThat(signatures[1]).startsWith("DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed; d=example.com;\r\n\ts=e1;");
        assertThat(out).contains("\th=from:from:to:to:subject:list-id;\r\n").doesNotContain("x=");
        assertThat(out.lines().filter(l -> l.startsWith("\tbh=")).distinct().count()).isEqualTo(1);
        assertThat(out).endsWith("From: Alice <alice@example.com>\r\nTo: bob@example.org\r\nList-Id: <x.example.com>\r\n\r\nHi.\r\n");
        assertThat(out.lines()).allMatch(line -> line.length() <= 78, "every line of the fields folded");
    }

    @Test
    @DisplayName("x= is t= plus the configured expiry")
    void expiry() throws Exception {
        String out = signed("From: alice@example.com\r\n\r\nHi.\r\n", Optional.of(Duration.ofDays(7)));
        assertThat(out).contains("t=" + NOW.getEpochSecond() + "; x=" + NOW.plus(Duration.ofDays(7)).getEpochSecond() + ";");
    }

    @Test
    @DisplayName("a From in a subdomain is signed with the parent's keys (d= aligns, relaxed); a foreign or ambiguous From is not signed")
    void onlyOurDomainsAreSigned() throws Exception {
        assertThat(signed("From: a@mail.example.com\r\n\r\nHi.\r\n", Optional.empty())).contains("d=example.com;");
        assertThat(signed("From: a@foreign.example\r\n\r\nHi.\r\n", Optional.empty())).doesNotContain("DKIM-Signature");
        assertThat(signed("From: a@example.com, b@foreign.example\r\n\r\nHi.\r\n", Optional.empty())).doesNotContain("DKIM-Signature");
        assertThat(signed("Subject: no From\r\n\r\nHi.\r\n", Optional.empty())).doesNotContain("DKIM-Signature");
    }
}
