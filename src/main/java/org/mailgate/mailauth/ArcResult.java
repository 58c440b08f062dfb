package org.mailgate.mailauth;

import java.util.Locale;

/**
 * An ARC chain's validation status (RFC 8617 5.2), reported as RFC 8617 10.1 registers it.
 *
 * @param instances how many ARC sets the message carries
 * @param sealer d= of the newest ARC-Seal: the forwarder that vouches for the chain; empty when unknown
 * @param reason in words, for the comment and the log
 */
public record ArcResult(Status status, int instances, String sealer, String reason) {

    /** TEMPERROR is ours: a key lookup failed, so the chain is neither known good nor known bad. */
    public enum Status {
        NONE, PASS, FAIL, TEMPERROR;

        public String keyword() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static ArcResult none() {
        return new ArcResult(Status.NONE, 0, "", "");
    }
}
