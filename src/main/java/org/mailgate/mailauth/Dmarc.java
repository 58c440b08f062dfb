package org.mailgate.mailauth;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.mailgate.dns.DnsAnswer;
import org.mailgate.dns.Resolver;

/**
 * DMARC (RFC 9989): the policy record found by the DNS tree walk (4.10), the organizational
 * domain by the same walk instead of a public suffix list, SPF and DKIM alignment with the
 * author domain, relaxed or strict, and which of p=, sp= and np= applies.
 */
public final class Dmarc {
    /** RFC 9989 4.10: past eight labels the walk jumps to the last seven. */
    private static final int MAX_WALK_LABELS = 8;

    private final Resolver resolver;

    public Dmarc(Resolver resolver) {
        this.resolver = resolver;
    }

    /** A record found on the walk, and the domain it was found at. */
    private record Found(String domain, TagList tags) {
        boolean psd(String value) {
            return tags.get("psd").map(v -> v.equalsIgnoreCase(value)).orElse(false);
        }
    }

    /** Thrown when a lookup on the walk fails: the verdict is temperror. */
    private static final class LookupFailed extends Exception {
        LookupFailed(String message) {
            super(message);
        }
    }

    /**
     * @param fromAddresses the addresses of the message's From fields, every one
     * @param spf the MAIL FROM identity's SPF verdict
     */
    public DmarcVerdict evaluate(List<String> fromAddresses, SpfVerdict spf, List<DkimResult> dkim) {
        if (fromAddresses.size() != 1) {
            return new DmarcVerdict(DmarcVerdict.Result.PERMERROR, "", DmarcVerdict.Policy.NONE, "", false, false, false,
                    fromAddresses.isEmpty() ? "no readable From address" : "the From field names " + fromAddresses.size()
                            + " addresses; DMARC needs exactly one (RFC 9989 4.4)");
        }
        String address = fromAddresses.get(0);
        String from = address.substring(address.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
        try {
            List<Found> walk = walk(from);
            if (walk.isEmpty()) {
                return new DmarcVerdict(DmarcVerdict.Result.NONE, from, DmarcVerdict.Policy.NONE, "", false, false, false,
                        "no DMARC record for " + from);
            }
            Found record = walk.get(0);
            String fromOrg = organizational(from, walk);
            Map<String, String> organizations = new HashMap<>(); // each domain walked once, however many signatures name it
            boolean strictSpf = record.tags().get("aspf").map("s"::equalsIgnoreCase).orElse(false);
            boolean strictDkim = record.tags().get("adkim").map("s"::equalsIgnoreCase).orElse(false);
            boolean spfAligned = spf.result() == SpfResult.PASS && aligned(from, fromOrg, spf.domain(), strictSpf, organizations);
            boolean dkimAligned = false;
            for (DkimResult result : dkim) {
                if (result.status() == DkimResult.Status.PASS && aligned(from, fromOrg, result.domain(), strictDkim, organizations)) {
                    dkimAligned = true;
                }
            }
            DmarcVerdict.Policy policy = policy(from, record);
            boolean testing = record.tags().get("t").map("y"::equalsIgnoreCase).orElse(false);
            boolean pass = spfAligned || dkimAligned;
            String reason = pass ? (dkimAligned ? "DKIM" : "SPF") + " aligned with " + from
                    : "neither SPF nor DKIM passed aligned with " + from;
            return new DmarcVerdict(pass ? DmarcVerdict.Result.PASS : DmarcVerdict.Result.FAIL, from, policy, record.domain(),
                    spfAligned, dkimAligned, testing, reason);
        } catch (LookupFailed e) {
            return new DmarcVerdict(DmarcVerdict.Result.TEMPERROR, from, DmarcVerdict.Policy.NONE, "", false, false, false, e.getMessage());
        }
    }

    /** Relaxed: the same organizational domain; strict: the same domain (RFC 9989 4.4.1, 4.4.2). */
    private boolean aligned(String from, String fromOrg, String other, boolean strict, Map<String, String> organizations)
            throws LookupFailed {
        String domain = other.toLowerCase(Locale.ROOT);
        if (domain.equals(from)) {
            return true;
        }
        if (strict || domain.isEmpty()) {
            return false;
        }
        String organization = organizations.get(domain);
        if (organization == null) {
            organization = organizational(domain, walk(domain));
            organizations.put(domain, organization);
        }
        return organization.equals(fromOrg);
    }

    /**
     * RFC 9989 4.10.2: on the walk from the domain up, a record with psd=n marks the
     * organizational domain, one with psd=y the public suffix below which it lies; else the
     * record nearest the root; without any record, the domain itself.
     */
    private static String organizational(String domain, List<Found> walk) {
        for (Found found : walk) {
            if (found.psd("n")) {
                return found.domain();
            }
            if (found.psd("y")) {
                return oneBelow(domain, found.domain());
            }
        }
        return walk.isEmpty() ? domain : walk.get(walk.size() - 1).domain();
    }

    private static String oneBelow(String domain, String suffix) {
        if (domain.equals(suffix)) {
            return domain;
        }
        String head = domain.substring(0, domain.length() - suffix.length() - 1);
        return head.substring(head.lastIndexOf('.') + 1) + "." + suffix;
    }

    /** 4.10.1: the first DMARC record at the domain, then up the tree (jumping to seven labels), up to the TLD. */
    private List<Found> walk(String domain) throws LookupFailed {
        List<Found> found = new ArrayList<>();
        List<String> labels = new ArrayList<>(Arrays.asList(domain.split("\\.")));
        boolean first = true;
        while (!labels.isEmpty()) {
            String name = String.join(".", labels);
            record(name).ifPresent(tags -> found.add(new Found(name, tags)));
            if (first && labels.size() > MAX_WALK_LABELS) {
                labels = new ArrayList<>(labels.subList(labels.size() - (MAX_WALK_LABELS - 1), labels.size()));
            } else {
                labels.remove(0);
            }
            first = false;
        }
        return found;
    }

    private Optional<TagList> record(String domain) throws LookupFailed {
        DnsAnswer<String> answer = resolver.txt("_dmarc." + domain);
        if (answer.failed()) {
            throw new LookupFailed("DMARC lookup at _dmarc." + domain + " failed: " + answer.failure());
        }
        List<TagList> records = answer.records().stream()
                .filter(r -> r.regionMatches(true, 0, "v=DMARC1", 0, 8))
                .map(TagList::parse).flatMap(Optional::stream)
                .filter(t -> t.get("v").map("DMARC1"::equals).orElse(false)).toList();
        return records.size() == 1 ? Optional.of(records.get(0)) : Optional.empty(); // 4.10.1 step 2: several is none
    }

    /** p= at the author domain itself; below it sp=, or np= when the author domain does not exist (RFC 9989 4.7). */
    private DmarcVerdict.Policy policy(String from, Found record) throws LookupFailed {
        Optional<String> value;
        if (record.domain().equals(from)) {
            value = record.tags().get("p");
        } else {
            Optional<String> np = record.tags().get("np");
            boolean exists = exists(from);
            value = !exists && np.isPresent() ? np : record.tags().get("sp").or(() -> record.tags().get("p"));
        }
        return switch (value.orElse("none").toLowerCase(Locale.ROOT)) {
            case "reject" -> DmarcVerdict.Policy.REJECT;
            case "quarantine" -> DmarcVerdict.Policy.QUARANTINE;
            default -> DmarcVerdict.Policy.NONE; // 4.7: an unknown value is treated as none
        };
    }

    /** RFC 9989 4.7 np=: a domain that answers NXDOMAIN for A, AAAA and MX does not exist. */
    private boolean exists(String domain) throws LookupFailed {
        for (DnsAnswer<?> answer : List.of(resolver.a(domain), resolver.aaaa(domain), resolver.mx(domain))) {
            if (answer.failed()) {
                throw new LookupFailed("lookup of " + domain + " failed: " + answer.failure());
            }
            if (!answer.noSuchName()) {
                return true;
            }
        }
        return false;
    }
}
