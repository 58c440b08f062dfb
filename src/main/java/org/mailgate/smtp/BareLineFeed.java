package org.mailgate.smtp;

/**
 * What a message containing a bare LF (an LF without the CR before it) gets, over DATA and BDAT
 * alike. A bare CR is refused either way: no reader agrees on what it means.
 */
public enum BareLineFeed {
    /** Refused with 554 5.6.0 (RFC 5321 2.3.8: lines end in CRLF); the default. */
    REJECT,
    /**
     * Read as CRLF, as Postfix 3.9's {@code smtpd_forbid_bare_newline = normalize} does, so a
     * client that sends a Unix text file works; only CRLF "." CRLF ever ends DATA.
     */
    NORMALIZE
}
