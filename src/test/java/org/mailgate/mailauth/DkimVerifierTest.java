package org.mailgate.mailauth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.mailgate.dns.ZoneResolver;

/** Messages signed by Debian's dkimpy and by npm mailauth (resources/dkim), verified here, and tampered copies. */
class DkimVerifierTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-03T00:00:00Z"), ZoneOffset.UTC);

    private static DkimVerifier verifier() throws Exception {
        Path zone = Path.of(DkimVerifierTest.class.getResource("/dkim/dkimpy.zone").toURI());
        return new DkimVerifier(ZoneResolver.read(zone), CLOCK);
    }

    private static byte[] message(String name) throws IOException {
        try (InputStream in = DkimVerifierTest.class.getResourceAsStream("/dkim/" + name)) {
            return in.readAllBytes();
        }
    }

    /** Verifies a whole message, the body fed in small pieces as the spool writes it. */
    static List<DkimResult> verify(DkimVerifier verifier, byte[] message) {
        String text = new String(message, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        DkimVerifier.Verification v = verifier.start(Arrays.copyOf(message, end + 2));
        for (int i = end + 4; i < message.length; i += 7) {
            v.body(message, i, Math.min(7, message.length - i));
        }
        return v.finish();
    }

    @ParameterizedTest
    @ValueSource(strings = {"rsa-simple-simple", "rsa-simple-relaxed", "rsa-relaxed-simple", "rsa-relaxed-relaxed",
        "ed-simple-simple", "ed-simple-relaxed", "ed-relaxed-simple", "ed-relaxed-relaxed"})
    void dkimpySignaturesVerifyInEveryCanonicalization(String name) throws Exception {
        List<DkimResult> results = verify(verifier(), message("dkimpy-" + name + ".eml"));
        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.status()).as(r.reason()).isEqualTo(DkimResult.Status.PASS);
            assertThat(r.domain()).isEqualTo("example.org");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"rsa-simple-simple", "rsa-simple-relaxed", "rsa-relaxed-simple", "rsa-relaxed-relaxed",
        "ed-simple-simple", "ed-simple-relaxed", "ed-relaxed-simple", "ed-relaxed-relaxed"})
    void npmMailauthSignaturesVerifyInEveryCanonicalization(String name) throws Exception {
        // signed by npm mailauth 4.13.3's dkimSign (resources/dkim/mailauth-*.eml, keys in mailauth.zone)
        Path zone = Path.of(DkimVerifierTest.class.getResource("/dkim/mailauth.zone").toURI());
        List<DkimResult> results = verify(new DkimVerifier(ZoneResolver.read(zone), CLOCK), message("mailauth-" + name + ".eml"));
        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.status()).as(r.reason()).isEqualTo(DkimResult.Status.PASS);
            assertThat(r.domain()).isEqualTo("example.com");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"rsa-simple-simple", "ed-relaxed-relaxed"})
    void aChangedHeaderFieldFails(String name) throws Exception {
        byte[] tampered = replace(message("dkimpy-" + name + ".eml"), "Subject:  Hello", "Subject:  Hallo");
        assertThat(verify(verifier(), tampered)).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(DkimResult.Status.FAIL);
            assertThat(r.reason()).isEqualTo("the signature did not verify");
        });
    }

    @Test
    void aChangedBodyFailsOnItsHash() throws Exception {
        byte[] tampered = replace(message("dkimpy-rsa-relaxed-relaxed.eml"), "the  body", "the  bodY");
        assertThat(verify(verifier(), tampered)).singleElement()
                .satisfies(r -> assertThat(r.reason()).isEqualTo("the body hash did not verify"));
    }

    @Test
    void relaxedBodyIgnoresWhitespaceChangesSimpleDoesNot() throws Exception {
        byte[] relaxed = replace(message("dkimpy-rsa-relaxed-relaxed.eml"), "the  body", "the body");
        byte[] simple = replace(message("dkimpy-rsa-simple-simple.eml"), "the  body", "the body");
        assertThat(verify(verifier(), relaxed).get(0).status()).isEqualTo(DkimResult.Status.PASS);
        assertThat(verify(verifier(), simple).get(0).status()).isEqualTo(DkimResult.Status.FAIL);
    }

    @Test
    void lengthLimitedSignatureStillPassesWithAppendedTextButSaysSo() throws Exception {
        byte[] signed = message("dkimpy-rsa-length.eml");
        DkimResult untouched = verify(verifier(), signed).get(0);
        assertThat(untouched.status()).isEqualTo(DkimResult.Status.PASS);
        assertThat(untouched.partialBody()).isFalse();
        byte[] appended = (new String(signed, StandardCharsets.ISO_8859_1) + "Click here: http://evil.example/\r\n").getBytes(StandardCharsets.ISO_8859_1);
        DkimResult extended = verify(verifier(), appended).get(0);
        assertThat(extended.status()).isEqualTo(DkimResult.Status.PASS);
        assertThat(extended.partialBody()).isTrue();
    }

    @Test
    void refoldedSignatureFieldFailsUnderSimpleHeaders() throws Exception {
        byte[] refolded = replace(message("dkimpy-rsa-simple-simple.eml"), "; d=example.org;", ";\r\n d=example.org;");
        assertThat(verify(verifier(), refolded).get(0).status()).isEqualTo(DkimResult.Status.FAIL);
        byte[] relaxed = replace(message("dkimpy-rsa-relaxed-relaxed.eml"), "; d=example.org;", ";\r\n d=example.org;");
        assertThat(verify(verifier(), relaxed).get(0).status()).isEqualTo(DkimResult.Status.PASS);
    }

    @Test
    void missingKeyIsPermerrorAndExpiredSignatureFails() throws Exception {
        byte[] otherSelector = replace(message("dkimpy-rsa-simple-simple.eml"), "s=rsa;", "s=gone;");
        assertThat(verify(verifier(), otherSelector).get(0)).satisfies(r -> {
            assertThat(r.status()).isEqualTo(DkimResult.Status.PERMERROR);
            assertThat(r.reason()).isEqualTo("no key at gone._domainkey.example.org");
        });
        byte[] sha1 = replace(message("dkimpy-rsa-simple-simple.eml"), "a=rsa-sha256", "a=rsa-sha1");
        assertThat(verify(verifier(), sha1).get(0).reason()).contains("RFC 8301");
    }

    private static byte[] replace(byte[] message, String from, String to) {
        String text = new String(message, StandardCharsets.ISO_8859_1);
        assertThat(text).contains(from);
        return text.replaceFirst(Pattern.quote(from), to).getBytes(StandardCharsets.ISO_8859_1);
    }
}
