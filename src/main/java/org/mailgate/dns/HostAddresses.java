package org.mailgate.dns;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * A host's addresses as a client connects to them: IPv6 first (RFC 6724's default preference),
 * then IPv4; {@code secure} when DNSSEC validated both lookups (DANE needs it, RFC 7672 2.2.1);
 * {@code error} says why there are none.
 */
public record HostAddresses(List<InetAddress> addresses, boolean secure, String error) {

    public HostAddresses {
        addresses = List.copyOf(addresses);
    }

    /** AAAA then A; a failed lookup of one family is named in {@code error}, the other family still used. */
    public static HostAddresses lookup(Resolver dns, String host) {
        List<InetAddress> addresses = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        boolean secure = add("AAAA", dns.aaaa(host), addresses, errors) & add("A", dns.a(host), addresses, errors);
        String error = !addresses.isEmpty() ? "" : errors.isEmpty() ? "no addresses for " + host : String.join("; ", errors);
        return new HostAddresses(addresses, secure, error);
    }

    private static boolean add(String type, DnsAnswer<InetAddress> answer, List<InetAddress> addresses, List<String> errors) {
        if (answer.failed()) {
            errors.add(type + " lookup failed: " + answer.failure());
        }
        addresses.addAll(answer.records());
        return answer.secure();
    }
}
