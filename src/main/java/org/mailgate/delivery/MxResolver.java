package org.mailgate.delivery;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.random.RandomGenerator;
import org.mailgate.config.AddressLiteral;
import org.mailgate.dns.DnsAnswer;
import org.mailgate.dns.HostAddresses;
import org.mailgate.dns.MxRecord;
import org.mailgate.dns.Resolver;

/** Where mail for a domain goes, by RFC 5321 section 5.1 and RFC 7505 (null MX). */
final class MxResolver {

    sealed interface Result {}

    /** Hosts in the order to try them; {@code secure} when DNSSEC validated the MX records. */
    record Hosts(List<Host> hosts, boolean secure) implements Result {}

    /** RFC 7505: the domain accepts no mail. */
    record NullMx() implements Result {}

    /** The domain does not exist. */
    record NoSuchDomain() implements Result {}

    /** DNS failed; try again later. */
    record TemporaryFailure(String reason) implements Result {}

    record Host(String name, int preference) {}

    private final Resolver dns;
    private final RandomGenerator random;

    MxResolver(Resolver dns, RandomGenerator random) {
        this.dns = dns;
        this.random = random;
    }

    Result resolve(String domain) {
        if (domain.startsWith("[")) {
            // RFC 5321 5.1: an address literal names the host itself, no DNS involved
            return AddressLiteral.parse(domain).isPresent() ? new Hosts(List.of(new Host(domain, 0)), false)
                    : new NoSuchDomain();
        }
        DnsAnswer<MxRecord> answer = dns.mx(domain);
        if (answer.noSuchName()) {
            return new NoSuchDomain();
        }
        if (answer.failed()) {
            return new TemporaryFailure("MX lookup for " + domain + " failed: " + answer.failure());
        }
        if (answer.records().isEmpty()) {
            // RFC 5321 5.1: no MX records, so the domain itself is the implicit MX
            return new Hosts(List.of(new Host(domain, 0)), answer.secure());
        }
        List<MxRecord> records = answer.records();
        if (records.size() == 1 && records.get(0).isNullMx()) {
            return new NullMx();
        }
        // Lowest preference first; hosts of equal preference in random order to spread the load.
        Map<Integer, List<Host>> byPreference = new TreeMap<>();
        for (MxRecord mx : records) {
            if (!mx.isNullMx()) {
                byPreference.computeIfAbsent(mx.preference(), p -> new ArrayList<>()).add(new Host(mx.host(), mx.preference()));
            }
        }
        List<Host> ordered = new ArrayList<>();
        for (List<Host> equal : byPreference.values()) {
            Collections.shuffle(equal, random);
            ordered.addAll(equal);
        }
        return new Hosts(ordered, answer.secure());
    }

    /** A host's addresses, IPv6 first then IPv4; an address literal is its own address, no DNS asked. */
    HostAddresses addresses(String host) {
        if (host.startsWith("[")) {
            return AddressLiteral.parse(host).map(a -> new HostAddresses(List.of(a), false, ""))
                    .orElseGet(() -> new HostAddresses(List.of(), false, "not an address literal: " + host));
        }
        return HostAddresses.lookup(dns, host);
    }
}
