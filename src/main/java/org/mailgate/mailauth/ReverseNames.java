package org.mailgate.mailauth;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.mailgate.dns.DnsAnswer;
import org.mailgate.dns.Resolver;

/**
 * Forward-confirmed reverse DNS: the PTR names of an address whose own A or AAAA records lead
 * back to it. SPF's ptr mechanism and p macro (RFC 7208 5.5) and iprev (RFC 8601 2.7.3) both
 * ask for it.
 */
final class ReverseNames {
    /** RFC 7208 4.6.4: at most 10 PTR names are looked at. */
    static final int MAX_NAMES = 10;

    private ReverseNames() {}

    /**
     * The confirmed names, in the PTR answer's order; empty when the PTR lookup failed. A name
     * whose forward lookup fails is skipped (5.5).
     */
    static Optional<List<String>> confirmed(Resolver resolver, InetAddress ip, DnsAnswer<String> ptr) {
        if (ptr.failed()) {
            return Optional.empty();
        }
        List<String> confirmed = new ArrayList<>();
        for (String name : ptr.records().stream().limit(MAX_NAMES).toList()) {
            DnsAnswer<InetAddress> forward = ip instanceof Inet4Address ? resolver.a(name) : resolver.aaaa(name);
            if (!forward.failed() && forward.records().contains(ip)) {
                confirmed.add(name);
            }
        }
        return Optional.of(confirmed);
    }
}
