package org.mailgate.mailauth;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mailgate.dns.DnsAnswer;
import org.mailgate.dns.MxRecord;
import org.mailgate.dns.Resolver;

/**
 * RFC 7208 check_host() for the MAIL FROM and HELO identities: every mechanism and modifier,
 * macros ({@link SpfMacros}), the limits of 4.6.4 (10 lookups, 2 void lookups, 10 MX or PTR
 * names), temperror for a DNS failure and permerror for a broken record. Hand-written: no
 * maintained Java SPF library exists; the RFC 7208 test suite checks this one.
 */
public final class Spf {
    static final int MAX_LOOKUPS = 10;
    static final int MAX_VOID_LOOKUPS = 2;

    private static final Pattern MODIFIER = Pattern.compile("([A-Za-z][A-Za-z0-9_.-]*)=(.*)");
    private static final Pattern MECHANISM = Pattern.compile("([+?~-]?)([A-Za-z][A-Za-z0-9_.-]*)([:/].*)?");
    private static final Pattern CIDR = Pattern.compile("(?:/(0|[1-9][0-9]{0,2}))?(?://(0|[1-9][0-9]{0,2}))?");
    private static final Pattern TOPLABEL = Pattern.compile("(?i)[a-z0-9]*[a-z][a-z0-9]*|[a-z0-9]+-[a-z0-9-]*[a-z0-9]");

    private final Resolver resolver;
    private final String receiver;
    private final Clock clock;

    /** @param receiver our host name, for the r macro of explanations */
    public Spf(Resolver resolver, String receiver, Clock clock) {
        this.resolver = resolver;
        this.receiver = receiver;
        this.clock = clock;
    }

    /** The MAIL FROM identity (RFC 7208 2.4); a null reverse-path is checked as postmaster@ the HELO name. */
    public SpfVerdict mailFrom(InetAddress ip, String sender, String helo) {
        String checked = sender.isEmpty() ? "postmaster@" + helo : sender;
        return check("mailfrom", ip, checked, helo);
    }

    /** The HELO identity (RFC 7208 2.3). */
    public SpfVerdict helo(InetAddress ip, String helo) {
        return check("helo", ip, "postmaster@" + helo, helo);
    }

    private SpfVerdict check(String identity, InetAddress ip, String sender, String helo) {
        int at = sender.lastIndexOf('@');
        String local = at > 0 ? sender.substring(0, at) : "postmaster"; // 4.3: no local part is "postmaster"
        String domain = sender.substring(at + 1);
        String address = local + "@" + domain;
        Evaluation.Outcome outcome = new Evaluation(address, domain, ip, helo).checkHost(domain);
        return new SpfVerdict(outcome.result(), identity, domain, address, outcome.reason(), outcome.explanation());
    }

    /** An error that ends the whole evaluation (4.6.4, 4.4): temperror or permerror, with why. */
    private static final class Abort extends Exception {
        final SpfResult result;

        Abort(SpfResult result, String why) {
            super(why);
            this.result = result;
        }
    }

    /** One check_host() with the limits it shares across includes and redirects. */
    private final class Evaluation {
        record Outcome(SpfResult result, String reason, String explanation) {}

        private final SpfMacros.Values top;
        private int lookups;
        private int voids;

        Evaluation(String sender, String domain, InetAddress ip, String helo) {
            this.top = new SpfMacros.Values(sender, domain, ip, helo, receiver, clock.instant().getEpochSecond(),
                    () -> validatedName(ip, domain));
        }

        Outcome checkHost(String domain) {
            try {
                return evaluate(domain);
            } catch (Abort abort) {
                return new Outcome(abort.result, abort.getMessage(), "");
            }
        }

        private Outcome evaluate(String domain) throws Abort {
            if (!validDomain(domain)) {
                return new Outcome(SpfResult.NONE, "'" + domain + "' is not a domain name that can have a policy", "");
            }
            Optional<String> text = record(domain);
            if (text.isEmpty()) {
                return new Outcome(SpfResult.NONE, "no SPF record at " + domain, "");
            }
            List<String> terms = parse(text.get(), domain);
            SpfMacros.Values values = top.withDomain(domain);
            String redirect = null;
            String exp = null;
            boolean hasAll = false;
            for (String term : terms) {
                Matcher modifier = MODIFIER.matcher(term);
                if (modifier.matches()) {
                    String name = modifier.group(1).toLowerCase(Locale.ROOT);
                    if (name.equals("redirect")) {
                        redirect = modifier.group(2);
                    } else if (name.equals("exp")) {
                        exp = modifier.group(2);
                    }
                    continue;
                }
                Matcher m = MECHANISM.matcher(term);
                m.matches(); // parse() let only matching terms through
                hasAll |= m.group(2).equalsIgnoreCase("all");
            }
            for (String term : terms) {
                if (MODIFIER.matcher(term).matches()) {
                    continue;
                }
                Matcher m = MECHANISM.matcher(term);
                m.matches();
                if (matches(m.group(2).toLowerCase(Locale.ROOT), m.group(3) == null ? "" : m.group(3), values, term)) {
                    SpfResult result = switch (m.group(1)) {
                        case "-" -> SpfResult.FAIL;
                        case "~" -> SpfResult.SOFTFAIL;
                        case "?" -> SpfResult.NEUTRAL;
                        default -> SpfResult.PASS;
                    };
                    String explanation = result == SpfResult.FAIL && exp != null ? explain(exp, values) : "";
                    return new Outcome(result, "matched " + term + " in the record of " + domain, explanation);
                }
            }
            // 6.1: redirect applies when nothing matched, and never beside "all"
            if (redirect != null && !hasAll) {
                count();
                String target = domainSpec(redirect, values);
                Outcome redirected = evaluate(target);
                if (redirected.result() == SpfResult.NONE) {
                    throw new Abort(SpfResult.PERMERROR, domain + " redirects to " + target + ", which has no SPF record");
                }
                return redirected;
            }
            return new Outcome(SpfResult.NEUTRAL, "nothing matched in the record of " + domain, "");
        }

        /** 4.4, 4.5: the one TXT record starting "v=spf1", or none. */
        private Optional<String> record(String domain) throws Abort {
            DnsAnswer<String> answer = resolver.txt(domain);
            if (answer.failed()) {
                throw new Abort(SpfResult.TEMPERROR, "DNS lookup of " + domain + " TXT failed: " + answer.failure());
            }
            List<String> spf = answer.records().stream().filter(Spf::isSpfRecord).toList();
            if (spf.size() > 1) {
                throw new Abort(SpfResult.PERMERROR, domain + " has " + spf.size() + " SPF records; it must have one");
            }
            return spf.stream().findFirst();
        }

        /** 4.6: the terms, every one checked before any is evaluated ("detect errors anywhere"). */
        private List<String> parse(String text, String domain) throws Abort {
            List<String> terms = new ArrayList<>();
            boolean redirect = false;
            boolean exp = false;
            for (String term : text.substring(6).split(" ")) {
                if (term.isEmpty()) {
                    continue;
                }
                if (!term.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                    throw permerror(domain, term, "holds a character outside visible ASCII");
                }
                Matcher modifier = MODIFIER.matcher(term);
                if (modifier.matches()) {
                    String name = modifier.group(1).toLowerCase(Locale.ROOT);
                    if (name.equals("redirect") && redirect || name.equals("exp") && exp) {
                        throw permerror(domain, term, "is the second " + name + "=");
                    }
                    redirect |= name.equals("redirect");
                    exp |= name.equals("exp");
                    checkMacroString(modifier.group(2), name.equals("redirect") || name.equals("exp"), domain, term);
                } else if (!validMechanism(term)) {
                    throw permerror(domain, term, "is not a valid mechanism");
                }
                terms.add(term);
            }
            return terms;
        }

        private void checkMacroString(String text, boolean isDomainSpec, String domain, String term) throws Abort {
            try {
                SpfMacros.expand(text, top, false);
            } catch (SpfMacros.SyntaxError e) {
                throw permerror(domain, term, e.getMessage());
            }
            if (isDomainSpec && !validDomainSpec(text)) {
                throw permerror(domain, term, "does not name a domain");
            }
        }

        private Abort permerror(String domain, String term, String why) {
            return new Abort(SpfResult.PERMERROR, "the record of " + domain + " is broken: '" + term + "' " + why);
        }

        private boolean validMechanism(String term) {
            Matcher m = MECHANISM.matcher(term);
            if (!m.matches()) {
                return false;
            }
            String name = m.group(2).toLowerCase(Locale.ROOT);
            String rest = m.group(3) == null ? "" : m.group(3);
            return switch (name) {
                case "all" -> rest.isEmpty();
                case "include", "exists" -> rest.startsWith(":") && validDomainSpec(rest.substring(1));
                case "a", "mx" -> {
                    Split split = split(rest);
                    yield split != null && (split.domain() == null || validDomainSpec(split.domain()))
                            && cidr(split.cidr(), true) != null;
                }
                case "ptr" -> rest.isEmpty() || rest.startsWith(":") && validDomainSpec(rest.substring(1));
                case "ip4" -> rest.startsWith(":") && network(rest.substring(1), true) != null;
                case "ip6" -> rest.startsWith(":") && network(rest.substring(1), false) != null;
                default -> false;
            };
        }

        private boolean matches(String name, String rest, SpfMacros.Values values, String term) throws Abort {
            InetAddress ip = values.ip();
            switch (name) {
                case "all":
                    return true;
                case "ip4", "ip6": {
                    Network network = network(rest.substring(1), name.equals("ip4"));
                    return network.contains(ip);
                }
                case "a": {
                    count();
                    Split split = split(rest);
                    String target = split.domain() == null ? values.domain() : domainSpec(split.domain(), values);
                    int[] prefix = cidr(split.cidr(), true);
                    return addresses(target, ip).stream().anyMatch(a -> within(a, ip, prefix));
                }
                case "mx": {
                    count();
                    Split split = split(rest);
                    String target = split.domain() == null ? values.domain() : domainSpec(split.domain(), values);
                    int[] prefix = cidr(split.cidr(), true);
                    DnsAnswer<MxRecord> mx = lookup(resolver.mx(target), target, "MX");
                    if (mx.records().size() > ReverseNames.MAX_NAMES) {
                        throw new Abort(SpfResult.PERMERROR, target + " has more than " + ReverseNames.MAX_NAMES + " MX records (RFC 7208 4.6.4)");
                    }
                    for (MxRecord record : mx.records()) {
                        if (!record.host().equals(".") && addresses(record.host(), ip).stream().anyMatch(a -> within(a, ip, prefix))) {
                            return true;
                        }
                    }
                    return false;
                }
                case "ptr": {
                    count();
                    String target = rest.isEmpty() ? values.domain() : domainSpec(rest.substring(1), values);
                    return validatedNames(ip).stream().anyMatch(n -> within(n, target));
                }
                case "exists": {
                    count();
                    String target = domainSpec(rest.substring(1), values);
                    return !lookup(resolver.a(target), target, "A").records().isEmpty(); // 5.7: A, whatever the client's family
                }
                case "include": {
                    count();
                    String target = domainSpec(rest.substring(1), values);
                    Outcome included = evaluate(target);
                    return switch (included.result()) {
                        case PASS -> true;
                        case FAIL, SOFTFAIL, NEUTRAL -> false;
                        case TEMPERROR -> throw new Abort(SpfResult.TEMPERROR, included.reason());
                        case PERMERROR -> throw new Abort(SpfResult.PERMERROR, included.reason());
                        case NONE -> throw new Abort(SpfResult.PERMERROR, term + ": " + target + " has no SPF record (RFC 7208 5.2)");
                    };
                }
                default:
                    throw new IllegalStateException("parse() let through " + term);
            }
        }

        /** 4.6.4: the 11th term that looks something up is a permerror. */
        private void count() throws Abort {
            if (++lookups > MAX_LOOKUPS) {
                throw new Abort(SpfResult.PERMERROR, "more than " + MAX_LOOKUPS + " DNS lookups (RFC 7208 4.6.4)");
            }
        }

        /** A mechanism's lookup: a failure is a temperror, an empty answer a void lookup (4.6.4). */
        private <T> DnsAnswer<T> lookup(DnsAnswer<T> answer, String name, String type) throws Abort {
            if (answer.failed() && validDomain(name)) {
                throw new Abort(SpfResult.TEMPERROR, "DNS lookup of " + name + " " + type + " failed: " + answer.failure());
            }
            if (answer.records().isEmpty()) {
                countVoid();
            }
            return answer.failed() ? DnsAnswer.noSuchName(false) : answer; // a name that cannot exist has no records
        }

        private void countVoid() throws Abort {
            if (++voids > MAX_VOID_LOOKUPS) {
                throw new Abort(SpfResult.PERMERROR, "more than " + MAX_VOID_LOOKUPS + " lookups found nothing (RFC 7208 4.6.4)");
            }
        }

        /** The addresses of a name in the client's family. */
        private List<InetAddress> addresses(String name, InetAddress ip) throws Abort {
            return ip instanceof Inet4Address ? lookup(resolver.a(name), name, "A").records()
                    : lookup(resolver.aaaa(name), name, "AAAA").records();
        }

        /** 5.5: the PTR names of the client whose own addresses include it (the first 10; errors skip a name). */
        private List<String> validatedNames(InetAddress ip) throws Abort {
            DnsAnswer<String> ptr = resolver.ptr(ip);
            if (!ptr.failed() && ptr.records().isEmpty()) {
                countVoid();
            }
            return ReverseNames.confirmed(resolver, ip, ptr).orElse(List.of()); // 5.5: a PTR lookup error means no match
        }

        /** The p macro (7.3): a validated name within the domain, else any validated name, else "unknown". */
        private String validatedName(InetAddress ip, String domain) {
            try {
                List<String> names = validatedNames(ip);
                return names.stream().filter(n -> within(n, domain)).findFirst().or(() -> names.stream().findFirst()).orElse("unknown");
            } catch (Abort abort) {
                return "unknown";
            }
        }

        private String domainSpec(String spec, SpfMacros.Values values) throws Abort {
            try {
                String expanded = SpfMacros.truncate(SpfMacros.expand(spec, values, false));
                return expanded.endsWith(".") ? expanded.substring(0, expanded.length() - 1) : expanded;
            } catch (SpfMacros.SyntaxError e) {
                throw new Abort(SpfResult.PERMERROR, e.getMessage());
            }
        }

        /** 6.2: the explanation, or none when anything about it goes wrong. */
        private String explain(String exp, SpfMacros.Values values) {
            try {
                String name = domainSpec(exp, values);
                DnsAnswer<String> answer = resolver.txt(name);
                if (answer.failed() || answer.records().size() != 1) {
                    return "";
                }
                return SpfMacros.expand(answer.records().get(0), values, true);
            } catch (Abort | SpfMacros.SyntaxError e) {
                return "";
            }
        }
    }

    static boolean isSpfRecord(String txt) {
        return txt.regionMatches(true, 0, "v=spf1", 0, 6) && (txt.length() == 6 || txt.charAt(6) == ' ');
    }

    /** 4.3: a name that could hold a policy: dotted, labels 1 to 63 octets, not a literal. */
    static boolean validDomain(String domain) {
        String d = domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain;
        if (d.isEmpty() || d.length() > 253 || d.indexOf('.') < 0 || d.startsWith("[")) {
            return false;
        }
        for (String label : d.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63) {
                return false;
            }
        }
        return true;
    }

    /** 7.1 domain-spec: ends with a macro, or with "." toplabel and an optional dot. */
    private static boolean validDomainSpec(String spec) {
        if (spec.endsWith("}")) {
            return true;
        }
        String s = spec.endsWith(".") ? spec.substring(0, spec.length() - 1) : spec;
        int dot = s.lastIndexOf('.');
        return dot > 0 && TOPLABEL.matcher(s.substring(dot + 1)).matches();
    }

    private static boolean within(String name, String domain) {
        String n = name.toLowerCase(Locale.ROOT);
        String d = domain.toLowerCase(Locale.ROOT);
        return n.equals(d) || n.endsWith("." + d);
    }

    /** A mechanism's argument: the domain-spec (null when absent) and the dual-cidr-length after it. */
    private record Split(String domain, String cidr) {}

    private static final Pattern DUAL_CIDR = Pattern.compile("(/[0-9]+)?(//[0-9]+)?$");

    private static Split split(String rest) {
        Matcher cidr = DUAL_CIDR.matcher(rest);
        cidr.find(); // always matches, at worst empty at the end
        String spec = rest.substring(0, cidr.start());
        return spec.isEmpty() ? new Split(null, cidr.group()) : new Split(spec.substring(1), cidr.group());
    }

    /** The IPv4 and IPv6 prefix lengths of a dual-cidr-length (32 and 128 by default); null when invalid. */
    private static int[] cidr(String text, boolean dual) {
        Matcher m = CIDR.matcher(text);
        if (!m.matches()) {
            return null;
        }
        int v4 = m.group(1) == null ? 32 : Integer.parseInt(m.group(1));
        int v6 = m.group(2) == null ? 128 : Integer.parseInt(m.group(2));
        return v4 > 32 || v6 > 128 || !dual && m.group(2) != null ? null : new int[] {v4, v6};
    }

    private static boolean within(InetAddress address, InetAddress ip, int[] prefix) {
        return new Network(address, address instanceof Inet4Address ? prefix[0] : prefix[1]).contains(ip);
    }

    /** An ip4: or ip6: network. */
    private record Network(InetAddress address, int prefix) {
        boolean contains(InetAddress ip) {
            byte[] a = address.getAddress();
            byte[] b = ip.getAddress();
            if (a.length != b.length) {
                return false;
            }
            for (int bit = 0; bit < prefix; bit++) {
                int mask = 0x80 >> (bit % 8);
                if ((a[bit / 8] & mask) != (b[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }

    private static final Pattern IP4 = Pattern.compile("((?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}"
            + "(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9]))(?:/(0|[1-9][0-9]?))?");
    private static final Pattern IP6 = Pattern.compile("([0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)(?:/(0|[1-9][0-9]{0,2}))?");

    /** An ip4-network or ip6-network with its optional prefix; null when invalid. */
    private static Network network(String text, boolean ip4) {
        Matcher m = (ip4 ? IP4 : IP6).matcher(text);
        if (!m.matches()) {
            return null;
        }
        int max = ip4 ? 32 : 128;
        int prefix = m.group(2) == null ? max : Integer.parseInt(m.group(2));
        if (prefix > max) {
            return null;
        }
        try {
            InetAddress address = InetAddress.getByName(m.group(1)); // a literal: no lookup
            if (!ip4 && address instanceof Inet4Address v4) {
                address = Inet6Address.getByAddress(null, mapped(v4), null); // ::ffff:a.b.c.d stays IPv6 here
            }
            return new Network(address, prefix);
        } catch (java.net.UnknownHostException e) {
            return null;
        }
    }

    private static byte[] mapped(Inet4Address v4) {
        byte[] out = new byte[16];
        out[10] = (byte) 0xff;
        out[11] = (byte) 0xff;
        System.arraycopy(v4.getAddress(), 0, out, 12, 4);
        return out;
    }
}
