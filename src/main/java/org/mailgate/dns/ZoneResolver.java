package org.mailgate.dns;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * DNS answered from records in memory: a zone file an admin is about to publish ({@code
 * mailgate mailauth --zone}), or a test's data. A name with no records does not exist; a name
 * with records, but none of the asked type, answers with none; CNAMEs are followed as a
 * resolver would; names marked as timing out fail for every type they hold no records of.
 */
public final class ZoneResolver implements Resolver {
    private static final int MAX_CNAME_CHAIN = 8;

    private final Map<Name, List<Record>> names = new HashMap<>();
    private final Set<Name> timeouts;

    public ZoneResolver(Collection<Record> records, Set<Name> timeouts) {
        for (Record record : records) {
            names.computeIfAbsent(record.getName(), n -> new ArrayList<>()).add(record);
        }
        this.timeouts = Set.copyOf(timeouts);
    }

    /** A zone file in RFC 1035 master format, as dnsjava reads it ($ORIGIN, $TTL, $INCLUDE). */
    public static ZoneResolver read(Path file) throws IOException {
        List<Record> records = new ArrayList<>();
        try (Master master = new Master(file.toString())) {
            for (Record r = master.nextRecord(); r != null; r = master.nextRecord()) {
                records.add(r);
            }
        }
        return new ZoneResolver(records, Set.of());
    }

    @Override
    public DnsAnswer<MxRecord> mx(String domain) {
        return answer(domain, Type.MX, DnsJavaResolver::mx);
    }

    @Override
    public DnsAnswer<InetAddress> a(String host) {
        return answer(host, Type.A, r -> ((ARecord) r).getAddress());
    }

    @Override
    public DnsAnswer<InetAddress> aaaa(String host) {
        return answer(host, Type.AAAA, r -> ((AAAARecord) r).getAddress());
    }

    @Override
    public DnsAnswer<String> txt(String name) {
        return answer(name, Type.TXT, r -> DnsJavaResolver.text((TXTRecord) r));
    }

    @Override
    public DnsAnswer<TlsaRecord> tlsa(String name) {
        return answer(name, Type.TLSA, DnsJavaResolver::tlsa);
    }

    @Override
    public DnsAnswer<SrvRecord> srv(String name) {
        return answer(name, Type.SRV, DnsJavaResolver::srv);
    }

    @Override
    public DnsAnswer<String> ptr(InetAddress address) {
        return answer(DnsJavaResolver.reverseName(address), Type.PTR, r -> ((PTRRecord) r).getTarget().toString(true));
    }

    private <T> DnsAnswer<T> answer(String text, int type, Function<Record, T> typed) {
        Name name;
        try {
            name = Name.fromString(text.endsWith(".") ? text : text + ".");
        } catch (TextParseException e) {
            return DnsAnswer.failed("not a domain name: " + text);
        }
        for (int step = 0; step <= MAX_CNAME_CHAIN; step++) {
            List<Record> held = names.get(name);
            List<Record> matching = held == null ? List.of() : held.stream().filter(r -> r.getType() == type).toList();
            if (!matching.isEmpty()) {
                return DnsAnswer.found(matching.stream().map(typed).toList(), false);
            }
            if (timeouts.contains(name)) {
                return DnsAnswer.failed("timed out");
            }
            if (held == null) {
                return DnsAnswer.noSuchName(false);
            }
            var alias = held.stream().filter(r -> r instanceof CNAMERecord).map(r -> ((CNAMERecord) r).getTarget()).findFirst();
            if (alias.isEmpty()) {
                return DnsAnswer.found(List.of(), false);
            }
            name = alias.get();
        }
        return DnsAnswer.failed("CNAME chain longer than " + MAX_CNAME_CHAIN);
    }
}
