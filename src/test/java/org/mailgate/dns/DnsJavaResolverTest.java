package org.mailgate.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailgate.config.DeliveryConfig;
import org.mailgate.testing.KnotDns;
import org.mailgate.testing.ManualClock;

/** DNS against a real server (Knot on loopback): typed answers, validation where it can work, none where it cannot. */
class DnsJavaResolverTest {
    @TempDir Path dir;

    private static DeliveryConfig validating(KnotDns dns) {
        return DeliveryConfig.DEFAULTS.with(DeliveryConfig.DNS_SERVERS, List.of(dns.server())).with(DeliveryConfig.TRUST_ANCHORS, dns.trustAnchor());
    }

    @Test
    @DisplayName("a resolver that returns the root's DNSKEY without signatures turns DANE off instead of failing every lookup")
    void resolverWithoutSignaturesDoesNotStopDelivery() throws Exception {
        // an unsigned root zone that still publishes a DNSKEY: what a DNSSEC-stripping resolver hands out
        try (KnotDns root = KnotDns.start(dir, ".", """
                . DNSKEY 257 3 13 uXwHMfPxiPxTOpaGrYZdQjz5OTqSjAmTl4cfDxdegV3hVF9xjvQCVfTWb8WZMon35HY+GExKx2eYdA/xTJqiQA==
                example. MX 10 mail.example.
                mail.example. A 127.0.0.1
                """, false)) {
            DeliveryConfig noAnchor = DeliveryConfig.DEFAULTS.with(DeliveryConfig.DNS_SERVERS, List.of(root.server()));
            DnsAnswer<MxRecord> mx = DnsJavaResolver.create(noAnchor, Clock.systemUTC()).mx("example");
            assertThat(mx.failed()).as(mx.failure()).isFalse();
            assertThat(mx.records()).containsExactly(new MxRecord(10, "mail.example"));
            assertThat(mx.secure()).isFalse();
        }
    }

    @Test
    @DisplayName("a resolver with no DNSKEY for the root (a zone of its own only) turns DANE off too, instead of failing every lookup")
    void resolverThatCannotAnswerForTheRootDoesNotStopDelivery() throws Exception {
        try (KnotDns example = KnotDns.start(dir, "example.", """
                example. MX 10 mail.example.
                mail.example. A 127.0.0.1
                """, false)) {
            DnsAnswer<MxRecord> mx = DnsJavaResolver.create(DeliveryConfig.DEFAULTS.with(DeliveryConfig.DNS_SERVERS, List.of(example.server())),
                    Clock.systemUTC()).mx("example");
            assertThat(mx.failed()).as(mx.failure()).isFalse();
            assertThat(mx.records()).containsExactly(new MxRecord(10, "mail.example"));
        }
    }

    @Test
    @DisplayName("a DNS server that is not there is reported as unreachable, in words")
    void anUnreachableServerIsSaidSo() throws Exception {
        int closed;
        try (var socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        DnsAnswer<MxRecord> mx = DnsJavaResolver.create(DeliveryConfig.DEFAULTS.with(DeliveryConfig.DNS_SERVERS, List.of("127.0.0.1:" + closed))
                .with(DeliveryConfig.DNSSEC, DeliveryConfig.Dnssec.OFF), Clock.systemUTC()).mx("example.com");
        assertThat(mx.failed()).isTrue();
        assertThat(mx.failure()).isIn("the DNS server is unreachable (nothing answers on its port)", "the DNS server did not answer in time");
    }

    @Test
    @DisplayName("with a trust anchor, a signed zone's answers are DNSSEC-secure, each typed, CNAMEs followed")
    void signedZoneValidatesAndEveryLookupIsTyped() throws Exception {
        try (KnotDns signed = KnotDns.start(dir, """
                mx MX 10 mail
                mail A 127.0.0.1
                mail AAAA ::1
                nomail MX 0 .
                txt TXT "v=spf1 " "-all"
                _25._tcp.mail TLSA 3 1 1 0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20
                alias CNAME mail
                """)) {
            DnsJavaResolver dns = DnsJavaResolver.create(validating(signed), Clock.systemUTC());
            DnsAnswer<MxRecord> mx = dns.mx("mx.test");
            assertThat(mx.records()).containsExactly(new MxRecord(10, "mail.test"));
            assertThat(mx.secure()).isTrue();
            assertThat(dns.mx("nomail.test").records()).singleElement().satisfies(r -> assertThat(r.isNullMx()).isTrue());
            assertThat(dns.a("mail.test").records()).containsExactly(InetAddress.getByName("127.0.0.1"));
            assertThat(dns.aaaa("mail.test").records()).containsExactly(InetAddress.getByName("::1"));
            assertThat(dns.a("alias.test").records()).as("through the CNAME").containsExactly(InetAddress.getByName("127.0.0.1"));
            assertThat(dns.txt("txt.test").records()).as("a TXT record's strings joined").containsExactly("v=spf1 -all");
            assertThat(dns.tlsa("_25._tcp.mail.test").records()).containsExactly(new TlsaRecord(3, 1, 1,
                    HexFormat.of().parseHex("0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20")));
            DnsAnswer<MxRecord> absent = dns.mx("absent.test");
            assertThat(absent.noSuchName()).isTrue();
            assertThat(absent.secure()).as("a validated denial").isTrue();
            assertThat(dns.mx("mail.test").records()).as("the name exists, with no MX").isEmpty();
        }
    }

    @Test
    @DisplayName("answers are reused for their TTL (60 s here) and asked again after it: the clock decides, not the wall")
    void answersAreCachedForTheirTtl() throws Exception {
        ManualClock clock = new ManualClock();
        DnsJavaResolver dns;
        try (KnotDns signed = KnotDns.start(dir, "cached MX 10 mail\nmail A 127.0.0.1\n")) {
            dns = DnsJavaResolver.create(validating(signed), clock);
            assertThat(dns.mx("cached.test").records()).hasSize(1);
        }
        clock.advance(Duration.ofSeconds(59));
        DnsAnswer<MxRecord> again = dns.mx("cached.test");
        assertThat(again.records()).as("with the DNS server gone, within the TTL").hasSize(1);
        assertThat(again.secure()).isTrue();
        clock.advance(Duration.ofSeconds(2));
        DnsAnswer<MxRecord> expired = dns.mx("cached.test");
        assertThat(expired.failed()).as("past the TTL the server is asked, and it is gone").isTrue();
        assertThat(expired.failure()).isNotEmpty();
    }
}
