package org.mailgate.mailauth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.mailgate.dns.ZoneResolver;

/**
 * The signed examples the RFCs publish, with their key records (resources/dkim/rfc-examples.zone):
 * RFC 8463 A.3 (one message, signed with Ed25519 and with a 1024-bit RSA key, relaxed) and RFC
 * 6376 A.2 (simple/simple, the key of Appendix C). The RFC 6376 example verifies with its
 * continuation lines indented by six spaces, as Debian's dkimpy and go-msgauth read it; the
 * signature depends on that whitespace, which the RFC's page layout does not pin down.
 */
class RfcDkimExamplesTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-03T00:00:00Z"), ZoneOffset.UTC);

    private static DkimVerifier verifier() throws Exception {
        return new DkimVerifier(ZoneResolver.read(Path.of(RfcDkimExamplesTest.class.getResource("/dkim/rfc-examples.zone").toURI())), CLOCK);
    }

    private static String message(String name) throws Exception {
        try (InputStream in = RfcDkimExamplesTest.class.getResourceAsStream("/dkim/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private static List<DkimResult> verify(String message) throws Exception {
        return DkimVerifierTest.verify(verifier(), message.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void rfc8463ExampleVerifiesUnderBothAlgorithms() throws Exception {
        List<DkimResult> results = verify(message("rfc8463.eml"));
        assertThat(results).extracting(DkimResult::algorithm, DkimResult::selector, DkimResult::status).containsExactly(
                Tuple.tuple("ed25519-sha256", "brisbane", DkimResult.Status.PASS),
                Tuple.tuple("rsa-sha256", "test", DkimResult.Status.PASS));
        assertThat(results).allSatisfy(r -> assertThat(r.domain()).isEqualTo("football.example.com"));
    }

    @Test
    void rfc8463ExampleTamperedFailsBothAndAnAddedFromFailsByOversigning() throws Exception {
        String signed = message("rfc8463.eml");
        assertThat(verify(signed.replace("hungry", "angry"))).extracting(DkimResult::status)
                .containsExactly(DkimResult.Status.FAIL, DkimResult.Status.FAIL);
        assertThat(verify(signed.replace("From: Joe", "From: Mallory <m@evil.example>\r\nFrom: Joe"))).extracting(DkimResult::status)
                .containsExactly(DkimResult.Status.FAIL, DkimResult.Status.FAIL);
        // a field no signature names may be added on the way
        assertThat(verify(signed.replace("Message-ID:", "X-Mailer: any\r\nMessage-ID:"))).extracting(DkimResult::status)
                .containsExactly(DkimResult.Status.PASS, DkimResult.Status.PASS);
    }

    @Test
    void rfc6376ExampleVerifiesAndFailsOnceItsSignedReceivedIsRefolded() throws Exception {
        String signed = message("rfc6376.eml");
        assertThat(verify(signed)).singleElement().satisfies(r -> {
            assertThat(r.status()).as(r.reason()).isEqualTo(DkimResult.Status.PASS);
            assertThat(r.domain()).isEqualTo("example.com");
            assertThat(r.selector()).isEqualTo("brisbane");
        });
        // simple header canonicalization: the Received field's folding whitespace is signed
        assertThat(verify(signed.replace("\r\n      by submitserver", "\r\n\tby submitserver"))).singleElement()
                .extracting(DkimResult::status).isEqualTo(DkimResult.Status.FAIL);
    }
}
