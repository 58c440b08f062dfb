package org.mailgate.cli;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.mailgate.config.AddressLiteral;
import org.mailgate.config.AddressRange;
import org.mailgate.config.ListenerConfig;
import org.mailgate.config.ListenerKind;
import org.mailgate.config.MailgateConfig;
import org.mailgate.dns.DnsAnswer;
import org.mailgate.dns.DnsJavaResolver;
import org.mailgate.dns.MxRecord;
import org.mailgate.dns.Resolver;
import org.mailgate.dns.SrvRecord;
import org.mailgate.mailauth.DkimKeyStore.Stage;
import org.mailgate.mailauth.DkimKeyStore.StoredKey;
import org.mailgate.mailauth.TagList;

/**
 * Every DNS record a local domain should publish for this server, each with why, and how each
 * is checked against what DNS serves: MX, SPF, DKIM, DMARC, MTA-STS, TLS-RPT, the RFC 6186 SRV
 * records, and the PTR of each address we send from.
 */
final class DomainRecords {
    enum Status { OK, MISSING, WRONG }

    record Verdict(Status status, String detail) {
        static Verdict ok(String detail) {
            return new Verdict(Status.OK, detail);
        }
    }

    /** One record: what it is for, its zone-file lines, and its check. */
    record Expected(String comment, List<String> lines, Function<Resolver, Verdict> check) {}

    private DomainRecords() {}

    /** @param sending the addresses mail leaves from (the hostname's, and the listeners' own) */
    static List<Expected> of(String domain, MailgateConfig config, List<StoredKey> keys, Set<InetAddress> sending) {
        String host = config.hostname();
        List<Expected> records = new ArrayList<>();
        records.add(new Expected("MX: mail for " + domain + " comes to this server", List.of(domain + ". 3600 IN MX 10 " + host + "."),
                r -> mx(r, domain, host)));
        StringBuilder spf = new StringBuilder("v=spf1 mx");
        for (InetAddress address : listenerAddresses(config)) {
            spf.append(address.getAddress().length == 4 ? " ip4:" : " ip6:").append(address.getHostAddress());
        }
        records.add(new Expected("SPF (RFC 7208): only our MX hosts send as " + domain + "; -all: any other sender fails",
                List.of(domain + ". 3600 IN TXT \"" + spf.append(" -all") + "\""), r -> spf(r, domain, host, sending)));
        for (StoredKey key : keys) {
            if (key.stage() != Stage.RETIRED) {
                records.add(new Expected("DKIM (RFC 6376): the " + key.stage().label() + " " + key.algorithm().keyType() + " key " + key.selector(),
                        List.of(DkimCommand.zoneLine(key)), r -> dkim(r, key)));
            }
        }
        records.add(new Expected("DMARC (RFC 9989): receivers quarantine mail from " + domain + " that neither SPF nor DKIM aligns; p=reject once all is well",
                List.of("_dmarc." + domain + ". 3600 IN TXT \"v=DMARC1; p=quarantine; adkim=r; aspf=r\""), r -> dmarc(r, domain)));
        String id = DateTimeFormatter.BASIC_ISO_DATE.format(LocalDate.now(ZoneOffset.UTC));
        records.add(new Expected("MTA-STS (RFC 8461): senders require TLS to our MX; serve this policy at https://mta-sts." + domain
                + "/.well-known/mta-sts.txt (a certificate for mta-sts." + domain + "; [http] serves it), and change id= when it changes:\n"
                + mtaStsPolicy(host).lines().map(line -> ";   " + line).collect(Collectors.joining("\n")),
                List.of("_mta-sts." + domain + ". 3600 IN TXT \"v=STSv1; id=" + id + "\""), r -> tagged(r, "_mta-sts." + domain, "v=STSv1", "id")));
        records.add(new Expected("TLS-RPT (RFC 8460): senders report TLS failures to postmaster@" + domain,
                List.of("_smtp._tls." + domain + ". 3600 IN TXT \"v=TLSRPTv1; rua=mailto:postmaster@" + domain + "\""),
                r -> tagged(r, "_smtp._tls." + domain, "v=TLSRPTv1", "rua")));
        records.add(srv("_submission._tcp." + domain, "587 with STARTTLS", port(config, ListenerKind.SUBMISSION, 587), host));
        records.add(srv("_submissions._tcp." + domain, "465 with TLS from the first octet", port(config, ListenerKind.SUBMISSIONS, 465), host));
        for (InetAddress address : sending) {
            records.add(new Expected("PTR: " + address.getHostAddress() + " names " + host + ", as our EHLO does (set by whoever owns the address)",
                    List.of(DnsJavaResolver.reverseName(address) + ". 3600 IN PTR " + host + "."), r -> ptr(r, address, host)));
        }
        return records;
    }

    /** The listeners' own public addresses (a wildcard or loopback listener says nothing of where mail comes from). */
    static Set<InetAddress> listenerAddresses(MailgateConfig config) {
        Set<InetAddress> addresses = new LinkedHashSet<>();
        for (ListenerConfig listener : config.listeners()) {
            try {
                InetAddress address = InetAddress.getByName(listener.address()); // a literal: the config checked it, no lookup
                if (!AddressLiteral.isInternal(address)) {
                    addresses.add(address);
                }
            } catch (UnknownHostException e) {
                throw new IllegalStateException("a listener address the config accepted is not an address: " + listener.address(), e);
            }
        }
        return addresses;
    }

    private static Verdict mx(Resolver resolver, String domain, String host) {
        DnsAnswer<MxRecord> answer = resolver.mx(domain);
        if (answer.failed()) {
            return new Verdict(Status.WRONG, "the lookup failed: " + answer.failure());
        }
        List<String> hosts = answer.records().stream().map(MxRecord::host).toList();
        if (hosts.isEmpty()) {
            return new Verdict(Status.MISSING, "no MX record");
        }
        return hosts.stream().anyMatch(host::equalsIgnoreCase) ? Verdict.ok("MX " + hosts)
                : new Verdict(Status.WRONG, "the MX points to " + String.join(", ", hosts) + ", not to " + host);
    }

    private static Verdict spf(Resolver resolver, String domain, String host, Set<InetAddress> sending) {
        Optional<List<String>> found = records(resolver, domain, "v=spf1");
        if (found.isEmpty()) {
            return new Verdict(Status.WRONG, "the lookup failed");
        }
        List<String> records = found.get();
        if (records.isEmpty()) {
            return new Verdict(Status.MISSING, "no v=spf1 record");
        }
        if (records.size() > 1) {
            return new Verdict(Status.WRONG, records.size() + " SPF records: receivers treat more than one as an error (RFC 7208 4.5, permerror)");
        }
        List<String> terms = List.of(records.get(0).toLowerCase(Locale.ROOT).split("\\s+"));
        if (terms.contains("+all") || terms.contains("all") || terms.contains("?all")) {
            return new Verdict(Status.WRONG, "\"" + records.get(0) + "\" lets any server send as " + domain + ": end it with -all");
        }
        if (terms.stream().anyMatch(t -> t.startsWith("include:") || t.startsWith("redirect="))) {
            return Verdict.ok("\"" + records.get(0) + "\" (its include: or redirect= not followed)");
        }
        if (sending.isEmpty()) {
            return new Verdict(Status.WRONG, host + " has no A or AAAA record, so no address of ours can be checked against \"" + records.get(0) + "\"");
        }
        boolean mxHere = terms.stream().anyMatch(t -> t.equals("mx") || t.equals("+mx")) && mx(resolver, domain, host).status() == Status.OK;
        for (InetAddress address : sending) {
            boolean listed = terms.stream().filter(t -> t.startsWith("ip4:") || t.startsWith("ip6:") || t.startsWith("+ip4:") || t.startsWith("+ip6:"))
                    .map(t -> AddressRange.parse(t.substring(t.indexOf(':') + 1))).flatMap(Optional::stream)
                    .anyMatch(range -> range.contains(address));
            if (!mxHere && !listed) {
                return new Verdict(Status.WRONG, "\"" + records.get(0) + "\" does not cover our address " + address.getHostAddress());
            }
        }
        return Verdict.ok("\"" + records.get(0) + "\"");
    }

    /** Whether DNS serves the key's record: a TXT record at its name whose p= is our public key. */
    static Verdict dkim(Resolver resolver, StoredKey key) {
        DnsAnswer<String> answer = resolver.txt(key.recordName());
        if (answer.failed()) {
            return new Verdict(Status.WRONG, "unknown, the lookup failed: " + answer.failure());
        }
        if (answer.records().isEmpty()) {
            return new Verdict(Status.MISSING, "no TXT record at " + key.recordName());
        }
        boolean ours = answer.records().stream().map(TagList::parse).flatMap(Optional::stream)
                .anyMatch(tags -> tags.compact("p").orElse("").equals(key.publicKey()));
        return ours ? Verdict.ok("serves our key") : new Verdict(Status.WRONG, "different: DNS serves another key");
    }

    private static Verdict dmarc(Resolver resolver, String domain) {
        Optional<List<String>> found = records(resolver, "_dmarc." + domain, "v=DMARC1");
        if (found.isEmpty()) {
            return new Verdict(Status.WRONG, "the lookup failed");
        }
        List<String> records = found.get();
        if (records.size() != 1) {
            return records.isEmpty() ? new Verdict(Status.MISSING, "no v=DMARC1 record")
                    : new Verdict(Status.WRONG, records.size() + " DMARC records: receivers then apply none (RFC 9989)");
        }
        Optional<String> policy = TagList.parse(records.get(0)).flatMap(t -> t.get("p"));
        if (policy.isEmpty()) {
            return new Verdict(Status.WRONG, "\"" + records.get(0) + "\" has no p= policy");
        }
        return policy.get().equalsIgnoreCase("none")
                ? new Verdict(Status.WRONG, "p=none: receivers do nothing with forgeries of " + domain + "; publish p=quarantine")
                : Verdict.ok("p=" + policy.get());
    }

    private static Verdict tagged(Resolver resolver, String name, String version, String tag) {
        Optional<List<String>> found = records(resolver, name, version);
        if (found.isEmpty()) {
            return new Verdict(Status.WRONG, "the lookup failed");
        }
        List<String> records = found.get();
        if (records.isEmpty()) {
            return new Verdict(Status.MISSING, "no " + version + " record at " + name);
        }
        boolean tagged = records.size() == 1 && TagList.parse(records.get(0)).flatMap(t -> t.get(tag)).isPresent();
        return tagged ? Verdict.ok("\"" + records.get(0) + "\"")
                : new Verdict(Status.WRONG, records.size() > 1 ? records.size() + " records; one is expected" : "\"" + records.get(0) + "\" has no " + tag + "=");
    }

    private static Expected srv(String name, String what, int port, String host) {
        String target = port == 0 ? "0 0 0 ." : "0 1 " + port + " " + host + ".";
        String comment = port == 0 ? "SRV (RFC 6186): this server offers no " + what + " (target \".\")"
                : "SRV (RFC 6186): mail clients find submission on " + what + " (here, port " + port + ") by themselves";
        return new Expected(comment, List.of(name + ". 3600 IN SRV " + target), r -> {
            DnsAnswer<SrvRecord> answer = r.srv(name);
            if (answer.failed()) {
                return new Verdict(Status.WRONG, "the lookup failed: " + answer.failure());
            }
            if (answer.records().isEmpty()) {
                return new Verdict(Status.MISSING, "no SRV record at " + name);
            }
            boolean matches = answer.records().stream().anyMatch(s -> port == 0 ? s.target().equals(".")
                    : s.port() == port && s.target().equalsIgnoreCase(host));
            return matches ? Verdict.ok("port " + port + " at " + host) : new Verdict(Status.WRONG, "SRV " + answer.records().stream()
                    .map(s -> s.port() + " " + s.target()).toList() + ", not port " + port + " at " + host);
        });
    }

    private static Verdict ptr(Resolver resolver, InetAddress address, String host) {
        DnsAnswer<String> answer = resolver.ptr(address);
        if (answer.failed()) {
            return new Verdict(Status.WRONG, "the lookup failed: " + answer.failure());
        }
        if (answer.records().isEmpty()) {
            return new Verdict(Status.MISSING, "no PTR for " + address.getHostAddress() + ": many receivers refuse mail from an address without one");
        }
        return answer.records().stream().anyMatch(host::equalsIgnoreCase) ? Verdict.ok(address.getHostAddress() + " is " + host)
                : new Verdict(Status.WRONG, address.getHostAddress() + " names " + answer.records() + ", not " + host + " (our EHLO name)");
    }

    /** The TXT records at {@code name} that start with {@code version}; empty when the lookup failed. */
    private static Optional<List<String>> records(Resolver resolver, String name, String version) {
        DnsAnswer<String> answer = resolver.txt(name);
        if (answer.failed()) {
            return Optional.empty();
        }
        String prefix = version.toLowerCase(Locale.ROOT);
        return Optional.of(answer.records().stream().filter(t -> {
            String lower = t.toLowerCase(Locale.ROOT).strip();
            return lower.equals(prefix) || lower.startsWith(prefix + " ") || lower.startsWith(prefix + ";");
        }).toList());
    }

    /** The port of the kind's listener on its standard port (587, 465) if there is one, else of its first; 0 for none. */
    private static int port(MailgateConfig config, ListenerKind kind, int standard) {
        List<Integer> ports = config.listeners().stream().filter(l -> l.kind() == kind).map(ListenerConfig::port).toList();
        return ports.contains(standard) ? standard : ports.isEmpty() ? 0 : ports.get(0);
    }

    /** Our MTA-STS policy (RFC 8461 3.2): TLS to our MX, enforced, for a week at a time. */
    static String mtaStsPolicy(String host) {
        return "version: STSv1\nmode: enforce\nmx: " + host + "\nmax_age: 604800\n";
    }
}
