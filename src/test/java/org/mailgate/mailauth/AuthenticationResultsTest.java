package org.mailgate.mailauth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class AuthenticationResultsTest {

    @Test
    void aValueIsBareOnlyWhenItIsATokenElseQuotedSoNoInputInjectsAResult() {
        SpfVerdict spf = new SpfVerdict(SpfResult.PASS, "mailfrom", "example.org", "a\"; dkim=pass@example.org", "matched (x) \r\nX-Evil: 1", "");
        DkimResult dkim = new DkimResult(DkimResult.Status.FAIL, "evil\r\nFrom: x", "s\\", "rsa-sha256", "abcdefgh", OptionalLong.empty(), 0,
                false, "the signature did not verify");
        String field = AuthenticationResults.field("mx.example.net",
                new AuthenticationResults.Verdicts(Optional.of(spf), Optional.empty(), List.of(dkim), Optional.empty(), Optional.empty(),
                        Optional.of("pass"),
                        Optional.of("192.0.2.1")));
        assertThat(field).isEqualTo("Authentication-Results: mx.example.net;\r\n"
                + "\tiprev=pass policy.iprev=192.0.2.1;\r\n"
                + "\tspf=pass (matched \\(x\\) X-Evil: 1) smtp.mailfrom=\"a\\\"; dkim=pass@example.org\";\r\n"
                + "\tdkim=fail (the signature did not verify) header.d=\"evilFrom: x\" header.s=\"s\\\\\" header.a=rsa-sha256 header.b=abcdefgh\r\n");
    }

    @Test
    void addressesAndDomainsOfTokensStayBareAndAnIpv6AddressIsQuoted() {
        assertThat(AuthenticationResults.quote("news@example.org")).isEqualTo("news@example.org");
        assertThat(AuthenticationResults.quote("example.org")).isEqualTo("example.org");
        assertThat(AuthenticationResults.quote("2001:db8::1")).isEqualTo("\"2001:db8::1\"");
        assertThat(AuthenticationResults.quote("\"a b\"@example.org")).isEqualTo("\"\\\"a b\\\"@example.org\"");
        assertThat(AuthenticationResults.quote("")).isEqualTo("\"\"");
    }

    @Test
    void recognisesFieldsClaimingOurAuthservId() {
        assertThat(AuthenticationResults.claims(" MX.example.net; spf=pass", "mx.example.net")).isTrue();
        assertThat(AuthenticationResults.claims("(forged) mx.example.net 1; dkim=pass", "mx.example.net")).isTrue();
        assertThat(AuthenticationResults.claims("\"mx.example.net\";none", "mx.example.net")).isTrue();
        assertThat(AuthenticationResults.claims("mx.google.com; dkim=pass", "mx.example.net")).isFalse();
    }
}
