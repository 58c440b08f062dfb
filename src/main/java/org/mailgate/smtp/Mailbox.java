package org.mailgate.smtp;

import java.util.Locale;

/**
 * An RFC 5321 Mailbox: local part as written (quotes kept when quoted) and domain, which is
 * lower-cased, or an address literal in brackets.
 */
public record Mailbox(String localPart, String domain) {

    /** RFC 5321 4.1.1.3 "RCPT TO:&lt;Postmaster&gt;", without a domain: the postmaster of the host the session names. */
    static final Mailbox BARE_POSTMASTER = new Mailbox("postmaster", "");

    public Mailbox {
        domain = domain.toLowerCase(Locale.ROOT);
    }

    /** Parses "local@domain" (no angle brackets); throws {@link RefusalException} when malformed. */
    public static Mailbox parse(String text, boolean utf8Allowed) {
        PathParser parser = new PathParser(text, utf8Allowed);
        Mailbox mailbox = parser.mailbox();
        parser.expectEnd();
        return mailbox;
    }

    boolean isBarePostmaster() {
        return domain.isEmpty();
    }

    public boolean isQuoted() {
        return localPart.startsWith("\"");
    }

    public boolean isAddressLiteral() {
        return domain.startsWith("[");
    }

    public boolean isAscii() {
        return localPart.chars().allMatch(c -> c < 0x80) && domain.chars().allMatch(c -> c < 0x80);
    }

    @Override
    public String toString() {
        return localPart + "@" + domain;
    }
}
