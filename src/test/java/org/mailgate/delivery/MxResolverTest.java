package org.mailgate.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mailgate.dns.FakeResolver;
import org.mailgate.dns.HostAddresses;

/** RFC 5321 5.1 and RFC 7505 on DNS in memory: where mail for a domain goes, in milliseconds. */
class MxResolverTest {
    private final FakeResolver dns = new FakeResolver();
    private final MxResolver mx = new MxResolver(dns, RandomGenerator.of("L64X128MixRandom"));

    private List<String> hosts(String domain) {
        return ((MxResolver.Hosts) mx.resolve(domain)).hosts().stream().map(MxResolver.Host::name).toList();
    }

    @Test
    @DisplayName("MX hosts in preference order, lowest first; equal preferences all tried")
    void preferenceOrder() {
        dns.mx("a.test", 20, "backup.a.test").mx("a.test", 10, "one.a.test").mx("a.test", 10, "two.a.test");
        List<String> hosts = hosts("a.test");
        assertThat(hosts.subList(0, 2)).containsExactlyInAnyOrder("one.a.test", "two.a.test");
        assertThat(hosts.get(2)).isEqualTo("backup.a.test");
    }

    @Test
    @DisplayName("no MX records: the domain itself is the implicit MX; a null MX accepts no mail; a missing domain does not exist")
    void implicitNullAndMissing() {
        dns.address("plain.test", "192.0.2.1").mx("none.test", 0, ".");
        assertThat(hosts("plain.test")).containsExactly("plain.test");
        assertThat(mx.resolve("none.test")).isInstanceOf(MxResolver.NullMx.class);
        assertThat(mx.resolve("absent.test")).isInstanceOf(MxResolver.NoSuchDomain.class);
    }

    @Test
    @DisplayName("a failed MX lookup is a temporary failure that says what failed")
    void failedLookupIsTemporary() {
        dns.fail("flaky.test", "MX", "SERVFAIL");
        assertThat(mx.resolve("flaky.test")).isEqualTo(new MxResolver.TemporaryFailure("MX lookup for flaky.test failed: SERVFAIL"));
    }

    @Test
    @DisplayName("a host's addresses IPv6 first; a failed lookup of one family is named, the other family still used")
    void addressesIpv6First() throws Exception {
        dns.address("mx.test", "192.0.2.1").address("mx.test", "2001:db8::1").fail("half.test", "AAAA", "timed out")
                .address("half.test", "192.0.2.2");
        assertThat(mx.addresses("mx.test").addresses()).containsExactly(InetAddress.getByName("2001:db8::1"), InetAddress.getByName("192.0.2.1"));
        HostAddresses half = mx.addresses("half.test");
        assertThat(half.addresses()).containsExactly(InetAddress.getByName("192.0.2.2"));
        assertThat(mx.addresses("gone.test").error()).contains("no addresses for gone.test");
        dns.fail("down.test", "A", "SERVFAIL").fail("down.test", "AAAA", "SERVFAIL");
        assertThat(mx.addresses("down.test").error()).isEqualTo("AAAA lookup failed: SERVFAIL; A lookup failed: SERVFAIL");
    }

    @Test
    @DisplayName("an address literal is its own host and address, and no DNS is asked")
    void addressLiteralsNeedNoDns() throws Exception {
        assertThat(hosts("[192.0.2.7]")).containsExactly("[192.0.2.7]");
        assertThat(mx.addresses("[IPv6:2001:db8::7]").addresses()).containsExactly(InetAddress.getByName("2001:db8::7"));
        assertThat(dns.lookups()).isZero();
    }
}
