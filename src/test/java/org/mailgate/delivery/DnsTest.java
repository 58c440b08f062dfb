package org.mailgate.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailgate.config.DeliveryConfig;
import org.xbill.DNS.Type;

/** DNS against a real server (Knot on loopback): validation where it can work, none where it cannot. */
class DnsTest {
    @TempDir Path dir;

    @Test
    @DisplayName("a resolver that returns the root's DNSKEY without signatures turns DANE off instead of failing every lookup")
    void resolverWithoutSignaturesDoesNotStopDelivery() throws Exception {
        // an unsigned root zone that still publishes a DNSKEY: what a DNSSEC-stripping resolver hands out
        try (KnotDns root = KnotDns.start(dir, ".", """
                . DNSKEY 257 3 13 uXwHMfPxiPxTOpaGrYZdQjz5OTqSjAmTl4cfDxdegV3hVF9xjvQCVfTWb8WZMon35HY+GExKx2eYdA/xTJqiQA==
                example. MX 10 mail.example.
                mail.example. A 127.0.0.1
                """, false)) {
            DeliveryConfig d = DeliveryConfig.DEFAULTS;
            DeliveryConfig validate = new DeliveryConfig(d.port(), List.of(root.server()), DeliveryConfig.Dnssec.VALIDATE, null, null,
                    d.concurrency(), d.perDestination(), d.retryFirst(), d.retryMax(), d.expire(), d.delayWarning(), d.connectTimeout(),
                    d.commandTimeout(), d.mtaStsPort(), d.tlsPolicy(), null, null, true, false);
            Dns.Answer mx = Dns.create(validate).query("example", Type.MX);
            assertThat(mx.failed()).as(mx.failure()).isFalse();
            assertThat(mx.records()).hasSize(1);
            assertThat(mx.secure()).isFalse();
        }
    }

    @Test
    @DisplayName("with a trust anchor, a signed zone's answers are DNSSEC-secure")
    void signedZoneValidates() throws Exception {
        try (KnotDns signed = KnotDns.start(dir, "mx MX 10 mail\nmail A 127.0.0.1\n")) {
            Dns dns = Dns.create(MailgateUnderTest.testDelivery(signed, 25));
            Dns.Answer mx = dns.query("mx.test", Type.MX);
            assertThat(mx.records()).hasSize(1);
            assertThat(mx.secure()).isTrue();
            assertThat(dns.query("absent.test", Type.MX).noSuchName()).isTrue();
        }
    }

    @Test
    @DisplayName("answers are reused for their TTL: with the DNS server gone, a repeated lookup still answers")
    void answersAreCachedForTheirTtl() throws Exception {
        Dns dns;
        try (KnotDns signed = KnotDns.start(dir, "cached MX 10 mail\nmail A 127.0.0.1\n")) {
            dns = Dns.create(MailgateUnderTest.testDelivery(signed, 25));
            assertThat(dns.query("cached.test", Type.MX).records()).hasSize(1);
        }
        Dns.Answer again = dns.query("cached.test", Type.MX);
        assertThat(again.records()).hasSize(1);
        assertThat(again.secure()).isTrue();
    }
}
