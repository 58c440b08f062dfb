package org.mailgate.mailauth;

import java.util.Locale;

/**
 * The DMARC verdict for one message (RFC 9989).
 *
 * @param fromDomain the RFC5322.From domain (header.from); empty when the From field could not be read
 * @param policy the policy that applies to this domain: the record's p=, sp= or np=; NONE without a record
 * @param recordDomain where the policy record was found, empty when none was
 * @param testing t=y: the domain owner asks for its policy not to be applied yet
 */
public record DmarcVerdict(Result result, String fromDomain, Policy policy, String recordDomain, boolean spfAligned,
        boolean dkimAligned, boolean testing, String reason) {

    public enum Result {
        PASS, FAIL, NONE, TEMPERROR, PERMERROR;

        public String keyword() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public enum Policy {
        NONE, QUARANTINE, REJECT;

        public String keyword() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The policy to act on: a failure under a policy the owner does not mark as testing. */
    public Policy requested() {
        return result == Result.FAIL && !testing ? policy : Policy.NONE;
    }
}
