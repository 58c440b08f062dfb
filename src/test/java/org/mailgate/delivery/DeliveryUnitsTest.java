package org.mailgate.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mailgate.delivery.tls.MtaSts;
import org.mailgate.delivery.tls.MtaStsCache;
import org.mailgate.delivery.tls.MtaStsStore;
import org.mailgate.dns.FakeResolver;
import org.mailgate.mail.DsnReturn;
import org.mailgate.mail.Mailbox;
import org.mailgate.mail.Notify;
import org.mailgate.mail.Reply;
import org.mailgate.spool.RecipientState;
import org.mailgate.spool.SpoolEnvelope;
import org.mailgate.spool.TestEnvelopes;

/** The pieces of delivery that need no network: schedule, DSN text, MTA-STS policies, name matching. */
class DeliveryUnitsTest {
    private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");

    @Test
    @DisplayName("retries wait 5 minutes, then double, and never more than the cap")
    void retryScheduleDoublesUpToTheCap() {
        RetrySchedule schedule = new RetrySchedule(Duration.ofMinutes(5), Duration.ofHours(4));
        assertThat(schedule.after(0)).isEqualTo(Duration.ofMinutes(5));
        assertThat(schedule.after(1)).isEqualTo(Duration.ofMinutes(10));
        assertThat(schedule.after(5)).isEqualTo(Duration.ofMinutes(160));
        assertThat(schedule.after(6)).isEqualTo(Duration.ofHours(4));
        assertThat(schedule.after(1000)).isEqualTo(Duration.ofHours(4));
    }

    @Test
    @DisplayName("RFC 3464 2.3.4: Status is the reply's enhanced code, else the class of its code")
    void dsnStatusComesFromTheReply() {
        assertThat(Dsn.status(Optional.of(Reply.parseLine("550 5.1.1 <x@y>: no such user")), Dsn.Action.FAILED)).hasToString("5.1.1");
        assertThat(Dsn.status(Optional.of(Reply.parseLine("554 transaction failed")), Dsn.Action.FAILED)).hasToString("5.0.0");
        assertThat(Dsn.status(Optional.of(Reply.parseLine("451 4.4.7 message expired")), Dsn.Action.FAILED)).hasToString("4.4.7");
        assertThat(Dsn.status(Optional.empty(), Dsn.Action.DELAYED)).hasToString("4.0.0");
    }

    @Test
    @DisplayName("RFC 3461 4: ENVID and ORCPT are xtext; the report carries them decoded")
    void xtextIsDecoded() {
        assertThat(Dsn.xtextDecode("abc+2Bdef+3Dx")).isEqualTo("abc+def=x");
    }

    @Test
    @DisplayName("RFC 3461 4.3 RET=FULL: the report carries the whole message as message/rfc822, ENVID and ORCPT included")
    void retFullCarriesTheWholeMessage() throws IOException {
        SpoolEnvelope original = TestEnvelopes.envelope("1M88AAAAA0000AAAA", NOW.minusSeconds(60)).submittedBy("alice@example.com")
                .dsn(DsnReturn.FULL, "env+2B1")
                .to(new SpoolEnvelope.Recipient(Mailbox.stored("bob@remote.test"), Set.of(Notify.FAILURE), Optional.of("rfc822;bob+2Bx@remote.test")))
                .build();
        RecipientState state = new RecipientState(RecipientState.Status.FAILED, 1, NOW, "mx.remote.test[192.0.2.1]:25",
                Optional.of(Reply.parseLine("550 5.1.1 no such user")), false);
        byte[] dsn = Dsn.build("mailgate.test", original, Dsn.Action.FAILED, List.of(new Dsn.Report(original.recipients().get(0), state)),
                new ByteArrayInputStream("Subject: hi\r\n\r\nthe body\r\n".getBytes(StandardCharsets.US_ASCII)), NOW, null);
        String text = new String(dsn, StandardCharsets.UTF_8);
        assertThat(text).contains("Content-Type: message/rfc822").contains("the body")
                .contains("Original-Envelope-Id: env+1")
                .contains("Original-Recipient: rfc822;bob+x@remote.test")
                .contains("Remote-MTA: dns; mx.remote.test")
                .contains("Arrival-Date: Wed, 25 Nov 2026 09:59:00 GMT");
    }

    @Test
    @DisplayName("RFC 8461 names domains: an address literal has no MTA-STS policy, and nothing is looked up for it")
    void noMtaStsLookupForAnAddressLiteral() {
        FakeResolver dns = new FakeResolver();
        MtaSts sts = new MtaSts(dns, null, 443, Duration.ofSeconds(5), Clock.fixed(NOW, ZoneOffset.UTC), new MtaStsCache(MtaStsStore.NONE));
        assertThat(sts.policy("[192.0.2.1]")).isEmpty();
        assertThat(sts.policy("[IPv6:2001:db8::1]")).isEmpty();
        assertThat(dns.lookups()).isZero();
        assertThat(sts.policy("example.com")).isEmpty();
        assertThat(dns.lookups()).as("a domain is asked").isPositive();
    }

    @Test
    @DisplayName("RFC 8461 3.2: a policy needs version, mode, max_age and (unless mode none) mx; max_age is capped at a year")
    void mtaStsPolicyParsing() throws IOException {
        MtaSts sts = new MtaSts(null, null, 443, Duration.ofSeconds(5), Clock.fixed(NOW, ZoneOffset.UTC), new MtaStsCache(MtaStsStore.NONE));
        MtaSts.Policy policy = sts.parse("1", "version: STSv1\nmode: enforce\nmx: mail.example.com\nmx: *.backup.example.com\nmax_age: 99999999999\n");
        assertThat(policy.mode()).isEqualTo(MtaSts.Mode.ENFORCE);
        assertThat(policy.expires()).isEqualTo(NOW.plusSeconds(31_557_600));
        assertThat(policy.allows("mail.example.com")).isTrue();
        assertThat(policy.allows("mx1.backup.example.com")).isTrue();
        assertThat(policy.allows("a.b.backup.example.com")).as("a wildcard covers one label").isFalse();
        assertThat(policy.allows("evil.example.com")).isFalse();
        assertThatThrownBy(() -> sts.parse("1", "version: STSv1\nmode: enforce\nmax_age: 86400\n")).hasMessageContaining("malformed");
        assertThatThrownBy(() -> sts.parse("1", "mode: testing\nmx: a.example\nmax_age: 86400\n")).hasMessageContaining("malformed");
    }
}
