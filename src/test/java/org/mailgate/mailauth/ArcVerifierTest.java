package org.mailgate.mailauth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mailgate.dns.LookupBudget;
import org.mailgate.dns.Resolver;

/**
 * ARC chain validation (RFC 8617 5.2) on Stalwart's two sealed messages (resources/stalwart/arc,
 * Apache-2.0 OR MIT): Gmail's one-set chain over an IETF list message, and a two-set chain of
 * an Ed25519 seal then an RSA one; then each way a chain breaks.
 */
class ArcVerifierTest {
    static final Clock AFTER_SEALING = Clock.fixed(Instant.ofEpochSecond(1674137914 + 60), ZoneOffset.UTC);

    static ArcResult validate(Resolver resolver, String message) {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        int end = message.indexOf("\r\n\r\n");
        ArcVerifier.Verification v = new ArcVerifier(new DkimVerifier(resolver, AFTER_SEALING)).start(Arrays.copyOf(bytes, end + 2));
        for (int i = end + 4; i < bytes.length; i += 11) {
            v.body(bytes, i, Math.min(11, bytes.length - i));
        }
        return v.finish();
    }

    private static ArcResult validate(String file, String from, String to) throws Exception {
        String[] test = StalwartMessagesTest.testFile("/stalwart/arc/" + file + ".txt");
        assertThat(test[1]).contains(from);
        return validate(StalwartMessagesTest.records(test[0]), test[1].replace(from, to));
    }

    @ParameterizedTest
    @CsvSource({"001, 1, google.com", "002, 2, manchego.org"})
    void stalwartsSealedMessagesPass(String file, int instances, String sealer) throws Exception {
        ArcResult result = validate(file, "", "");
        assertThat(result.status()).as(result.reason()).isEqualTo(ArcResult.Status.PASS);
        assertThat(result.instances()).isEqualTo(instances);
        assertThat(result.sealer()).isEqualTo(sealer);
    }

    @Test
    void aMessageWithoutArcSetsIsNone() {
        assertThat(validate(new LookupBudget(null, 0), "From: a@example.org\r\nSubject: x\r\n\r\nhi\r\n")).isEqualTo(ArcResult.none());
    }

    @Test
    void aChangedBodyBreaksTheNewestMessageSignature() throws Exception {
        ArcResult result = validate("002", "which one of us is tastier", "which one of us is cheaper");
        assertThat(result.status()).isEqualTo(ArcResult.Status.FAIL);
        assertThat(result.reason()).isEqualTo("the message signature of instance 2: the body hash did not verify");
    }

    @Test
    void aChangedEarlierResultsFieldBreaksTheSealsOverIt() throws Exception {
        ArcResult result = validate("002", "ARC-Authentication-Results: i=1; scamorza.org;", "ARC-Authentication-Results: i=1; scamorza.org; spf=pass;");
        assertThat(result.status()).isEqualTo(ArcResult.Status.FAIL);
        assertThat(result.reason()).isEqualTo("the seal of instance 2 (d=manchego.org) did not verify");
    }

    @Test
    void aSetWithoutItsSealIsAFailedChain() throws Exception {
        ArcResult result = validate("002", "ARC-Seal: i=1;", "X-Old-Seal: i=1;");
        assertThat(result.status()).isEqualTo(ArcResult.Status.FAIL);
        assertThat(result.reason()).isEqualTo("instance 1 lacks one of its three fields");
    }

    @Test
    void aSealSayingTheChainFailedEndsIt() throws Exception {
        ArcResult result = validate("002", "d=manchego.org; cv=pass;", "d=manchego.org; cv=fail;");
        assertThat(result.status()).isEqualTo(ArcResult.Status.FAIL);
        assertThat(result.reason()).isEqualTo("the seal of instance 2 says cv=fail: the chain had already failed");
    }

    @Test
    void twoFieldsOfOneKindInASetFail() throws Exception {
        ArcResult result = validate("002", "ARC-Authentication-Results: i=1; scamorza.org;",
                "ARC-Authentication-Results: i=1; evil.example; dmarc=pass\r\nARC-Authentication-Results: i=1; scamorza.org;");
        assertThat(result.status()).isEqualTo(ArcResult.Status.FAIL);
        assertThat(result.reason()).isEqualTo("instance 1 has two arc-authentication-results fields");
    }

    @Test
    void instancesWithAGapFail() throws Exception {
        String[] test = StalwartMessagesTest.testFile("/stalwart/arc/002.txt");
        ArcResult result = validate(StalwartMessagesTest.records(test[0]), test[1].replace("i=2;", "i=3;"));
        assertThat(result.status()).isEqualTo(ArcResult.Status.FAIL);
        assertThat(result.reason()).isEqualTo("the instances are not numbered 1 to 3");
    }

    @Test
    void aKeyThatCannotBeLookedUpIsATemporaryError() throws Exception {
        String[] test = StalwartMessagesTest.testFile("/stalwart/arc/002.txt");
        ArcResult result = validate(new LookupBudget(StalwartMessagesTest.records(test[0]), 0), test[1]);
        assertThat(result.status()).isEqualTo(ArcResult.Status.TEMPERROR);
        assertThat(result.sealer()).isEqualTo("manchego.org");
    }
}
