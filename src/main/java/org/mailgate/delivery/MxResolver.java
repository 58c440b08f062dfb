package org.mailgate.delivery;

import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.random.RandomGenerator;
import org.mailgate.config.AddressLiteral;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

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

    private final Dns dns;
    private final RandomGenerator random;

    MxResolver(Dns dns, RandomGenerator random) {
        this.dns = dns;
        this.random = random;
    }

    Result resolve(String domain) {
        if (domain.startsWith("[")) {
            // RFC 5321 5.1: an address literal names the host itself, no DNS involved
            return AddressLiteral.parse(domain).isPresent() ? new Hosts(List.of(new Host(domain, 0)), false)
                    : new NoSuchDomain();
        }
        Dns.Answer answer;
        try {
            answer = dns.query(domain, Type.MX);
        } catch (IOException e) {
            return new TemporaryFailure("MX lookup for " + domain + " failed: " + e.getMessage());
        }
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
        List<MXRecord> records = answer.records().stream().map(MXRecord.class::cast).toList();
        if (records.size() == 1 && records.get(0).getTarget().equals(Name.root)) {
            return new NullMx();
        }
        // Lowest preference first; hosts of equal preference in random order to spread the load.
        Map<Integer, List<Host>> byPreference = new TreeMap<>();
        for (MXRecord mx : records) {
            if (!mx.getTarget().equals(Name.root)) {
                byPreference.computeIfAbsent(mx.getPriority(), p -> new ArrayList<>())
                        .add(new Host(mx.getTarget().toString(true), mx.getPriority()));
            }
        }
        List<Host> ordered = new ArrayList<>();
        for (List<Host> equal : byPreference.values()) {
            Collections.shuffle(equal, random);
            ordered.addAll(equal);
        }
        return new Hosts(ordered, answer.secure());
    }

    /** A host's addresses, IPv6 first then IPv4; {@code secure} when DNSSEC validated both lookups. */
    record Addresses(List<InetAddress> addresses, boolean secure, String error) {}

    Addresses addresses(String host) {
        if (host.startsWith("[")) {
            return AddressLiteral.parse(host).map(a -> new Addresses(List.of(a), false, ""))
                    .orElseGet(() -> new Addresses(List.of(), false, "not an address literal: " + host));
        }
        List<InetAddress> addresses = new ArrayList<>();
        boolean secure = true;
        List<String> errors = new ArrayList<>();
        for (int type : new int[] {Type.AAAA, Type.A}) {
            try {
                Dns.Answer answer = dns.query(host, type);
                secure &= answer.secure();
                if (answer.failed()) {
                    errors.add(Type.string(type) + " lookup failed: " + answer.failure());
                }
                for (Record record : answer.records()) {
                    addresses.add(record instanceof AAAARecord aaaa ? aaaa.getAddress() : ((ARecord) record).getAddress());
                }
            } catch (IOException e) {
                secure = false;
                errors.add(Type.string(type) + " lookup failed: " + e.getMessage());
            }
        }
        addresses.sort(Comparator.comparing(a -> a.getAddress().length == 4));
        return new Addresses(addresses, secure, addresses.isEmpty() ? (errors.isEmpty() ? "no addresses for " + host : String.join("; ", errors)) : "");
    }

}
