package org.mailgate.dns;

import java.net.InetAddress;
import java.util.function.Supplier;

/**
 * A resolver that answers at most so many lookups, then fails every further one, so one message
 * (its SPF includes, DKIM keys, DMARC walk, PTR checks together) cannot make the server ask DNS
 * without end. SPF's own limits (RFC 7208 4.6.4) bound one policy; this bounds the message.
 */
public final class LookupBudget implements Resolver {
    private final Resolver resolver;
    private final int limit;
    private int spent;

    public LookupBudget(Resolver resolver, int limit) {
        this.resolver = resolver;
        this.limit = limit;
    }

    public int spent() {
        return spent;
    }

    private <T> DnsAnswer<T> spend(Supplier<DnsAnswer<T>> lookup) {
        if (++spent > limit) {
            return DnsAnswer.failed("this message's budget of " + limit + " DNS lookups is spent");
        }
        return lookup.get();
    }

    @Override
    public DnsAnswer<MxRecord> mx(String domain) {
        return spend(() -> resolver.mx(domain));
    }

    @Override
    public DnsAnswer<InetAddress> a(String host) {
        return spend(() -> resolver.a(host));
    }

    @Override
    public DnsAnswer<InetAddress> aaaa(String host) {
        return spend(() -> resolver.aaaa(host));
    }

    @Override
    public DnsAnswer<String> txt(String name) {
        return spend(() -> resolver.txt(name));
    }

    @Override
    public DnsAnswer<TlsaRecord> tlsa(String name) {
        return spend(() -> resolver.tlsa(name));
    }

    @Override
    public DnsAnswer<SrvRecord> srv(String name) {
        return spend(() -> resolver.srv(name));
    }

    @Override
    public DnsAnswer<String> ptr(InetAddress address) {
        return spend(() -> resolver.ptr(address));
    }
}
