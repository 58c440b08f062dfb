package org.mailgate.mailauth;

import java.util.Locale;
import java.util.OptionalLong;

/**
 * One DKIM signature's verdict (RFC 6376 6.1, reported as RFC 8601 2.7.1 says).
 *
 * @param domain d=, empty when the signature could not be read that far
 * @param selector s=
 * @param algorithm a= as written
 * @param signaturePrefix the first characters of b=, for header.b (RFC 6008)
 * @param bodyLength l= when the signature covers only part of the body
 * @param bodyLengthSeen the canonicalized body's whole length, to report what l= left out
 * @param reason in words, for the comment and the log
 */
public record DkimResult(Status status, String domain, String selector, String algorithm, String signaturePrefix,
        OptionalLong bodyLength, long bodyLengthSeen, boolean testing, String reason) {

    public enum Status {
        PASS, FAIL, NEUTRAL, POLICY, TEMPERROR, PERMERROR;

        public String keyword() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** l= left body octets unsigned: whoever forwarded it could have appended them (RFC 6376 8.2). */
    public boolean partialBody() {
        return bodyLength.isPresent() && bodyLength.getAsLong() < bodyLengthSeen;
    }
}
