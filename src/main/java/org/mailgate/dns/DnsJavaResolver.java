package org.mailgate.dns;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.mailgate.config.DeliveryConfig;
import org.mailgate.config.HostPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.dnssec.ValidatingResolver;

/**
 * The resolver on dnsjava: one query at a time, CNAMEs followed, and for each answer whether
 * DNSSEC validated it. dnsjava's ValidatingResolver checks signatures here, from the configured
 * trust anchors, so DANE does not rest on trusting a resolver's AD bit over the network.
 */
public final class DnsJavaResolver implements Resolver {
    private static final Logger log = LoggerFactory.getLogger(DnsJavaResolver.class);
    private static final int MAX_CNAME_CHAIN = 8;
    /** How long an answer without records (NXDOMAIN, no data) is reused. */
    private static final Duration NEGATIVE_TTL = Duration.ofMinutes(1);
    /** The longest any answer is reused, whatever its TTL says. */
    private static final Duration MAX_TTL = Duration.ofHours(1);
    private static final int MAX_CACHED = 100_000;

    private record Key(Name name, int type) {}

    /** What the server said, before it is typed; kept while its TTL runs. */
    private record Raw(int rcode, List<Record> records, boolean secure, String reason) {}

    private record Cached(Raw raw, long expiresAtMillis) {}

    private final org.xbill.DNS.Resolver resolver;
    private final boolean validating;
    private final Clock clock;
    private final Map<Key, Cached> cache = new ConcurrentHashMap<>();

    private DnsJavaResolver(org.xbill.DNS.Resolver resolver, boolean validating, Clock clock) {
        this.resolver = resolver;
        this.validating = validating;
        this.clock = clock;
    }

    /** The resolvers and DNSSEC setting of the [delivery] table. */
    public static DnsJavaResolver create(DeliveryConfig config, Clock clock) throws IOException {
        ExtendedResolver head;
        if (config.dnsServers().isEmpty()) {
            head = new ExtendedResolver();
        } else {
            List<org.xbill.DNS.Resolver> servers = new ArrayList<>();
            for (String server : config.dnsServers()) {
                HostPort target = HostPort.parse(server, 53).orElseThrow(() -> new IOException("bad DNS server " + server));
                servers.add(new SimpleResolver(new InetSocketAddress(target.host(), target.port())));
            }
            head = new ExtendedResolver(servers);
        }
        head.setTimeout(Duration.ofSeconds(5));
        head.setRetries(2);
        if (config.dnssec() == DeliveryConfig.Dnssec.OFF) {
            return new DnsJavaResolver(head, false, clock);
        }
        Optional<String> unusable = config.trustAnchors() == null ? cannotValidate(head) : Optional.empty();
        if (unusable.isPresent()) {
            // Validating through a resolver that drops signatures, or cannot answer for the root,
            // would find every answer bogus and defer all mail; without DNSSEC, MX delivery still
            // works (with MTA-STS), DANE does not.
            log.warn("the DNS resolver cannot validate DNSSEC ({}): DANE is off. Use a resolver that passes DNSSEC records on "
                    + "(e.g. unbound on 127.0.0.1, dns-servers in [delivery]) for DANE, or set dnssec = \"off\" to silence this",
                    unusable.get());
            return new DnsJavaResolver(head, false, clock);
        }
        ValidatingResolver validator = new ValidatingResolver(head);
        validator.setAddReasonToAdditional(true);
        try (InputStream anchors = config.trustAnchors() != null ? Files.newInputStream(config.trustAnchors())
                : DnsJavaResolver.class.getResourceAsStream("root-anchors.txt")) {
            validator.loadTrustAnchors(anchors);
        }
        return new DnsJavaResolver(validator, true, clock);
    }

    /** Why DNSSEC cannot be validated through this resolver, asked for the root's DNSKEY with DO; empty when it can. */
    private static Optional<String> cannotValidate(org.xbill.DNS.Resolver head) {
        try {
            Message query = Message.newQuery(Record.newRecord(Name.root, Type.DNSKEY, DClass.IN));
            query.addRecord(new OPTRecord(1232, 0, 0, ExtendedFlags.DO), Section.ADDITIONAL);
            Message response = head.send(query);
            List<Record> answer = response.getSection(Section.ANSWER);
            if (response.getRcode() != Rcode.NOERROR) {
                return Optional.of("it answers the root's DNSKEY query with " + Rcode.string(response.getRcode()));
            }
            if (answer.stream().noneMatch(r -> r.getType() == Type.DNSKEY)) {
                return Optional.of("it gives no DNSKEY for the root");
            }
            if (answer.stream().noneMatch(r -> r.getType() == Type.RRSIG)) {
                return Optional.of("it returns no DNSSEC signatures");
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("the root's DNSKEY query failed: " + unreachable(e));
        }
    }

    /** A failed query in an admin's words: dnsjava's exceptions often carry no message, or only a class's. */
    static String unreachable(IOException e) {
        return switch (e) {
            case SocketTimeoutException timeout -> "the DNS server did not answer in time";
            case PortUnreachableException port -> "the DNS server is unreachable (nothing answers on its port)";
            case NoRouteToHostException route -> "the DNS server is unreachable (no route to it)";
            case ConnectException refused -> "the DNS server refused the connection";
            default -> e.getMessage() != null && !e.getMessage().isBlank() ? e.getMessage() : "the DNS server could not be reached";
        };
    }

    @Override
    public DnsAnswer<MxRecord> mx(String domain) {
        return query(domain, Type.MX, DnsJavaResolver::mx);
    }

    @Override
    public DnsAnswer<InetAddress> a(String host) {
        return query(host, Type.A, r -> ((ARecord) r).getAddress());
    }

    @Override
    public DnsAnswer<InetAddress> aaaa(String host) {
        return query(host, Type.AAAA, r -> ((AAAARecord) r).getAddress());
    }

    @Override
    public DnsAnswer<String> txt(String name) {
        return query(name, Type.TXT, r -> text((TXTRecord) r));
    }

    // dnsjava's records as ours, for this resolver and ZoneResolver alike

    static MxRecord mx(Record r) {
        MXRecord mx = (MXRecord) r;
        return new MxRecord(mx.getPriority(), mx.getTarget().equals(Name.root) ? "." : mx.getTarget().toString(true));
    }

    static SrvRecord srv(Record r) {
        SRVRecord srv = (SRVRecord) r;
        return new SrvRecord(srv.getPriority(), srv.getWeight(), srv.getPort(), srv.getTarget().equals(Name.root) ? "." : srv.getTarget().toString(true));
    }

    static TlsaRecord tlsa(Record r) {
        TLSARecord t = (TLSARecord) r;
        return new TlsaRecord(t.getCertificateUsage(), t.getSelector(), t.getMatchingType(), t.getCertificateAssociationData());
    }

    /**
     * A TXT record's strings joined, from their octets: dnsjava's getStrings() escapes quotes,
     * backslashes and non-ASCII octets as zone-file text, which no record reader expects.
     * Non-UTF-8 octets become U+FFFD, which SPF and DKIM then refuse as not ASCII.
     */
    static String text(TXTRecord record) {
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        record.getStringsAsByteArrays().forEach(joined::writeBytes);
        return joined.toString(StandardCharsets.UTF_8);
    }

    @Override
    public DnsAnswer<SrvRecord> srv(String name) {
        return query(name, Type.SRV, DnsJavaResolver::srv);
    }

    @Override
    public DnsAnswer<String> ptr(InetAddress address) {
        return query(reverseName(address), Type.PTR, r -> ((PTRRecord) r).getTarget().toString(true));
    }

    /** The address's name under in-addr.arpa or ip6.arpa (RFC 1035 3.5, RFC 3596 2.5), where its PTR lives; without the final dot. */
    public static String reverseName(InetAddress address) {
        return ReverseMap.fromAddress(address).toString(true);
    }

    @Override
    public DnsAnswer<TlsaRecord> tlsa(String name) {
        return query(name, Type.TLSA, DnsJavaResolver::tlsa);
    }

    private <T> DnsAnswer<T> query(String name, int type, Function<Record, T> typed) {
        Raw raw;
        try {
            raw = cached(new Key(Name.fromString(name.endsWith(".") ? name : name + "."), type));
        } catch (TextParseException e) {
            return DnsAnswer.failed("not a domain name: " + name);
        } catch (IOException e) {
            return DnsAnswer.failed(unreachable(e));
        }
        return switch (raw.rcode()) {
            case Rcode.NOERROR -> DnsAnswer.found(raw.records().stream().map(typed).toList(), raw.secure());
            case Rcode.NXDOMAIN -> DnsAnswer.noSuchName(raw.secure());
            default -> DnsAnswer.failed(Rcode.string(raw.rcode()) + (raw.reason().isEmpty() ? "" : " (" + raw.reason() + ")"));
        };
    }

    /**
     * The answer, from the cache while its TTL runs (failures are never cached). dnsjava's own
     * Cache is not used because it keeps no DNSSEC status, which DANE needs with every answer.
     */
    private Raw cached(Key key) throws IOException {
        long now = clock.millis();
        Cached cached = cache.get(key);
        if (cached != null && cached.expiresAtMillis() > now) {
            return cached.raw();
        }
        Raw raw = lookup(key.name(), key.type());
        if (raw.rcode() == Rcode.NOERROR || raw.rcode() == Rcode.NXDOMAIN) {
            long ttl = raw.records().stream().mapToLong(Record::getTTL).min().orElse(NEGATIVE_TTL.toSeconds());
            cache.put(key, new Cached(raw, now + Math.min(ttl, MAX_TTL.toSeconds()) * 1000));
        }
        if (cache.size() > MAX_CACHED) {
            cache.entrySet().removeIf(e -> e.getValue().expiresAtMillis() <= now);
        }
        return raw;
    }

    private Raw lookup(Name name, int type) throws IOException {
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
                return new Raw(response.getRcode(), records, secure && response.getRcode() != Rcode.SERVFAIL, reason(response));
            }
            current = alias;
        }
        return new Raw(Rcode.SERVFAIL, List.of(), false, "CNAME chain longer than " + MAX_CNAME_CHAIN);
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
