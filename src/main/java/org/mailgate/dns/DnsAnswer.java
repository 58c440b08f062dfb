package org.mailgate.dns;

import java.util.List;

/**
 * One lookup's answer: the records of the asked type at the end of any CNAME chain (none when the
 * name has no such records), or that the name does not exist, or that the lookup failed and why.
 *
 * @param secure DNSSEC validated the whole answer (and the non-existence, for NXDOMAIN)
 * @param failure why a failed lookup failed ("SERVFAIL (validation reason)", "timed out"); empty otherwise
 */
public record DnsAnswer<T>(Outcome outcome, List<T> records, boolean secure, String failure) {

    public enum Outcome { FOUND, NO_SUCH_NAME, FAILED }

    public DnsAnswer {
        records = List.copyOf(records);
    }

    /** The name exists; {@code records} may be empty (no records of this type). */
    public static <T> DnsAnswer<T> found(List<T> records, boolean secure) {
        return new DnsAnswer<>(Outcome.FOUND, records, secure, "");
    }

    public static <T> DnsAnswer<T> noSuchName(boolean secure) {
        return new DnsAnswer<>(Outcome.NO_SUCH_NAME, List.of(), secure, "");
    }

    public static <T> DnsAnswer<T> failed(String why) {
        return new DnsAnswer<>(Outcome.FAILED, List.of(), false, why);
    }

    public boolean noSuchName() {
        return outcome == Outcome.NO_SUCH_NAME;
    }

    /** The server failed, timed out, or DNSSEC found the answer bogus: try later. */
    public boolean failed() {
        return outcome == Outcome.FAILED;
    }
}
