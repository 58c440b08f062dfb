package org.mailgate.mailauth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.mailgate.dns.FakeResolver;

/** RFC 9989: the tree walk, alignment, p/sp/np/psd and the From rules, as a table of cases. */
class DmarcTest {
    private final FakeResolver dns = new FakeResolver()
            .txt("_dmarc.example.org", "v=DMARC1; p=reject; sp=quarantine; np=reject")
            .address("example.org", "192.0.2.1")
            .address("mail.example.org", "192.0.2.2")
            .txt("_dmarc.own.example.org", "v=DMARC1; p=none")
            .address("own.example.org", "192.0.2.3")
            .txt("_dmarc.strict.example", "v=DMARC1; p=reject; adkim=s; aspf=s")
            .address("strict.example", "192.0.2.4")
            .txt("_dmarc.psd.example", "v=DMARC1; p=reject; psd=y")
            .txt("_dmarc.testing.example", "v=DMARC1; p=reject; t=y");
    private final Dmarc dmarc = new Dmarc(dns);

    private static SpfVerdict spf(SpfResult result, String domain) {
        return new SpfVerdict(result, "mailfrom", domain, "x@" + domain, "", "");
    }

    private static DkimResult dkim(DkimResult.Status status, String domain) {
        return new DkimResult(status, domain, "s", "rsa-sha256", "", OptionalLong.empty(), 0, false, "");
    }

    private DmarcVerdict check(String from, SpfVerdict spf, DkimResult... dkim) {
        return dmarc.evaluate(List.of(from), spf, List.of(dkim));
    }

    @Test
    void alignedDkimPassesAtTheOrganizationalDomain() {
        DmarcVerdict v = check("a@example.org", spf(SpfResult.FAIL, "other.example"), dkim(DkimResult.Status.PASS, "mail.example.org"));
        assertThat(v.result()).isEqualTo(DmarcVerdict.Result.PASS);
        assertThat(v.dkimAligned()).isTrue();
    }

    @Test
    void relaxedSpfAlignmentAcceptsASubdomain() {
        assertThat(check("a@example.org", spf(SpfResult.PASS, "mail.example.org")).result()).isEqualTo(DmarcVerdict.Result.PASS);
    }

    @Test
    void strictAlignmentWantsTheSameDomain() {
        DmarcVerdict v = check("a@strict.example", spf(SpfResult.PASS, "mail.strict.example"), dkim(DkimResult.Status.PASS, "mail.strict.example"));
        assertThat(v.result()).isEqualTo(DmarcVerdict.Result.FAIL);
        assertThat(v.requested()).isEqualTo(DmarcVerdict.Policy.REJECT);
    }

    @Test
    void unalignedOrFailingIsAFailureUnderP() {
        DmarcVerdict v = check("a@example.org", spf(SpfResult.PASS, "evil.example"), dkim(DkimResult.Status.FAIL, "example.org"));
        assertThat(v.result()).isEqualTo(DmarcVerdict.Result.FAIL);
        assertThat(v.policy()).isEqualTo(DmarcVerdict.Policy.REJECT);
        assertThat(v.recordDomain()).isEqualTo("example.org");
    }

    @Test
    void anExistingSubdomainWithoutItsOwnRecordGetsSp() {
        DmarcVerdict v = check("a@mail.example.org", spf(SpfResult.NONE, "evil.example"));
        assertThat(v.policy()).isEqualTo(DmarcVerdict.Policy.QUARANTINE);
        assertThat(v.recordDomain()).isEqualTo("example.org");
    }

    @Test
    void aSubdomainThatDoesNotExistGetsNp() {
        assertThat(check("a@ghost.example.org", spf(SpfResult.NONE, "evil.example")).policy()).isEqualTo(DmarcVerdict.Policy.REJECT);
    }

    @Test
    void aSubdomainWithItsOwnRecordUsesItsP() {
        DmarcVerdict v = check("a@own.example.org", spf(SpfResult.NONE, "evil.example"));
        assertThat(v.policy()).isEqualTo(DmarcVerdict.Policy.NONE);
        assertThat(v.recordDomain()).isEqualTo("own.example.org");
    }

    @Test
    void psdRecordMakesTheDomainBelowItTheOrganizationalDomain() {
        // a.psd.example and b.psd.example are different organizations: no relaxed alignment between them
        DmarcVerdict v = check("x@a.psd.example", spf(SpfResult.PASS, "b.psd.example"));
        assertThat(v.result()).isEqualTo(DmarcVerdict.Result.FAIL);
        assertThat(check("x@a.psd.example", spf(SpfResult.PASS, "mail.a.psd.example")).result()).isEqualTo(DmarcVerdict.Result.PASS);
    }

    @Test
    void theWalkJumpsToSevenLabels() {
        // 11 labels: the name itself, then the last 7 (e.f.g.h.i.example.org) down to "org": 8 TXT lookups, not 11;
        // then A, AAAA and MX of the name, for np=
        int before = dns.lookups();
        DmarcVerdict v = check("x@a.b.c.d.e.f.g.h.i.example.org", spf(SpfResult.NONE, "evil.example"));
        assertThat(v.recordDomain()).isEqualTo("example.org");
        assertThat(dns.lookups() - before).isEqualTo(8 + 3);
    }

    @Test
    void aDomainNamedByManySignaturesIsWalkedOnce() {
        int before = dns.lookups();
        check("a@example.org", spf(SpfResult.NONE, "x.example"), dkim(DkimResult.Status.PASS, "other.example"),
                dkim(DkimResult.Status.PASS, "other.example"), dkim(DkimResult.Status.PASS, "other.example"));
        // example.org: 2 TXT (example.org, org); other.example: 2 TXT, once
        assertThat(dns.lookups() - before).isEqualTo(4);
    }

    @Test
    void testingModeFailsWithoutAskingForThePolicy() {
        DmarcVerdict v = check("a@testing.example", spf(SpfResult.FAIL, "testing.example"));
        assertThat(v.result()).isEqualTo(DmarcVerdict.Result.FAIL);
        assertThat(v.requested()).isEqualTo(DmarcVerdict.Policy.NONE);
    }

    @Test
    void noRecordIsNone() {
        assertThat(check("a@norecord.example", spf(SpfResult.PASS, "norecord.example")).result()).isEqualTo(DmarcVerdict.Result.NONE);
    }

    @Test
    void multipleFromAddressesArePermerror() {
        DmarcVerdict v = dmarc.evaluate(List.of("a@example.org", "b@evil.example"), spf(SpfResult.PASS, "evil.example"), List.of());
        assertThat(v.result()).isEqualTo(DmarcVerdict.Result.PERMERROR);
        assertThat(v.reason()).contains("exactly one");
    }

    @Test
    void aFailedLookupIsTemperror() {
        dns.fail("_dmarc.broken.example", "TXT", "timed out");
        assertThat(check("a@broken.example", spf(SpfResult.PASS, "broken.example")).result()).isEqualTo(DmarcVerdict.Result.TEMPERROR);
    }
}
