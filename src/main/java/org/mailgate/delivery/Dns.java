package org.mailgate.delivery;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.mailgate.config.DeliveryConfig;
import org.mailgate.config.HostPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;
import org.xbill.DNS.dnssec.ValidatingResolver;

/**
 * DNS as delivery needs it: one query at a time, CNAMEs followed, and for each answer whether
 * DNSSEC validated it. dnsjava's ValidatingResolver checks signatures here, from the configured
 * trust anchors, so DANE does not rest on trusting a resolver's AD bit over the network.
 */
final class Dns {
    private static final Logger log = LoggerFactory.getLogger(Dns.class);
    private static final int MAX_CNAME_CHAIN = 8;

    /** An answer: the records of the asked type at the end of any CNAME chain, and why DNSSEC failed it if it did. */
    record Answer(int rcode, List<Record> records, boolean secure, String reason) {
        boolean noSuchName() {
            return rcode == Rcode.NXDOMAIN;
        }

        /** The server failed, or DNSSEC found the answer bogus: try later. */
        boolean failed() {
            return rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN;
        }

        /** "SERVFAIL", with the validator's reason when it gave one. */
        String failure() {
            return Rcode.string(rcode) + (reason.isEmpty() ? "" : " (" + reason + ")");
        }
    }

    /** How long an answer without records (NXDOMAIN, no data) is reused. */
    private static final Duration NEGATIVE_TTL = Duration.ofMinutes(1);
    /** The longest any answer is reused, whatever its TTL says. */
    private static final Duration MAX_TTL = Duration.ofHours(1);

    private record Key(Name name, int type) {}

    private record Cached(Answer answer, long expiresNanos) {}

    private final Resolver resolver;
    private final boolean validating;
    private final Map<Key, Cached> cache = new ConcurrentHashMap<>();

    private Dns(Resolver resolver, boolean validating) {
        this.resolver = resolver;
        this.validating = validating;
    }

    static Dns create(DeliveryConfig config) throws IOException {
        ExtendedResolver head;
        if (config.dnsServers().isEmpty()) {
            head = new ExtendedResolver();
        } else {
            List<Resolver> servers = new ArrayList<>();
            for (String server : config.dnsServers()) {
                HostPort target = HostPort.parse(server, 53).orElseThrow(() -> new IOException("bad DNS server " + server));
                servers.add(new SimpleResolver(new InetSocketAddress(target.host(), target.port())));
            }
            head = new ExtendedResolver(servers);
        }
        head.setTimeout(Duration.ofSeconds(5));
        head.setRetries(2);
        if (config.dnssec() == DeliveryConfig.Dnssec.OFF) {
            return new Dns(head, false);
        }
        if (config.trustAnchors() == null && stripsDnssec(head)) {
            // Validating through a resolver that drops signatures would find every answer bogus
            // and defer all mail; without DNSSEC, MX delivery still works (with MTA-STS), DANE does not.
            log.warn("the DNS resolver returns no DNSSEC signatures: DANE is off. Use a resolver that passes DNSSEC records on "
                    + "resolver (e.g. unbound on 127.0.0.1, dns-servers in [delivery]) for DANE, or set dnssec = \"off\" to silence this");
            return new Dns(head, false);
        }
        ValidatingResolver validator = new ValidatingResolver(head);
        validator.setAddReasonToAdditional(true);
        try (InputStream anchors = config.trustAnchors() != null ? Files.newInputStream(config.trustAnchors())
                : Dns.class.getResourceAsStream("root-anchors.txt")) {
            validator.loadTrustAnchors(anchors);
        }
        return new Dns(validator, true);
    }

    /** Whether the resolver answers the root's DNSKEY query without its RRSIG; unknown (no answer) counts as no. */
    private static boolean stripsDnssec(Resolver head) {
        try {
            Message query = Message.newQuery(Record.newRecord(Name.root, Type.DNSKEY, DClass.IN));
            query.addRecord(new OPTRecord(1232, 0, 0, ExtendedFlags.DO), Section.ADDITIONAL);
            Message response = head.send(query);
            List<Record> answer = response.getSection(Section.ANSWER);
            return response.getRcode() == Rcode.NOERROR && answer.stream().anyMatch(r -> r.getType() == Type.DNSKEY)
                    && answer.stream().noneMatch(r -> r.getType() == Type.RRSIG);
        } catch (IOException unreachable) {
            return false;
        }
    }

    /**
     * The answer, from the cache while its TTL runs (failures are never cached). dnsjava's own
     * Cache is not used because it keeps no DNSSEC status, which DANE needs with every answer.
     */
    Answer query(String name, int type) throws IOException {
        Key key = new Key(Name.fromString(name.endsWith(".") ? name : name + "."), type);
        long now = System.nanoTime();
        Cached cached = cache.get(key);
        if (cached != null && cached.expiresNanos() - now > 0) {
            return cached.answer();
        }
        Answer answer = lookup(key.name(), type);
        if (!answer.failed()) {
            long ttl = answer.records().stream().mapToLong(Record::getTTL).min().orElse(NEGATIVE_TTL.toSeconds());
            cache.put(key, new Cached(answer, now + Math.min(ttl, MAX_TTL.toSeconds()) * 1_000_000_000L));
        }
        if (cache.size() > 100_000) {
            cache.entrySet().removeIf(e -> e.getValue().expiresNanos() - now <= 0);
        }
        return answer;
    }

    private Answer lookup(Name name, int type) throws IOException {
        Name current = name;
        boolean secure = validating;
        for (int step = 0; step <= MAX_CNAME_CHAIN; step++) {
            Message response = resolver.send(Message.newQuery(Record.newRecord(current, type, DClass.IN)));
            secure &= response.getHeader().getFlag(Flags.AD);
            List<Record> records = new ArrayList<>();
            Name alias = null;
            for (Record record : response.getSection(Section.ANSWER)) {
                if (record.getType() == type && record.getName().equals(current)) {
                    records.add(record);
                } else if (record instanceof CNAMERecord cname && cname.getName().equals(current)) {
                    alias = cname.getTarget();
                }
            }
            if (!records.isEmpty() || alias == null || response.getRcode() != Rcode.NOERROR) {
                return new Answer(response.getRcode(), records, secure && response.getRcode() != Rcode.SERVFAIL, reason(response));
            }
            current = alias;
        }
        return new Answer(Rcode.SERVFAIL, List.of(), false, "CNAME chain longer than " + MAX_CNAME_CHAIN);
    }

    /** Why the validator failed an answer, as it notes in the additional section; else empty. */
    private static String reason(Message response) {
        for (Record r : response.getSection(Section.ADDITIONAL)) {
            if (r instanceof TXTRecord txt && r.getDClass() == ValidatingResolver.VALIDATION_REASON_QCLASS) {
                return String.join(" ", txt.getStrings());
            }
        }
        return "";
    }
}
