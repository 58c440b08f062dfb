package org.mailgate.mail;

import java.util.Locale;

/**
 * An RFC 5321 Mailbox: local part as written (quotes kept when quoted) and domain, which is
 * lower-cased, or an address literal in brackets. The SMTP parser makes them from the wire;
 * {@link #stored} reads back one that was made so.
 */
public record Mailbox(String localPart, String domain) {

    public Mailbox {
        domain = domain.toLowerCase(Locale.ROOT);
    }

    /**
     * A mailbox as this server wrote it ({@link #toString()}) into its own files: split at the last
     * "@" (a quoted local part may hold one; a domain never does), without checking it again.
     */
    public static Mailbox stored(String address) {
        int at = address.lastIndexOf('@');
        if (at < 1) {
            throw new IllegalArgumentException("not a stored mailbox: " + address);
        }
        return new Mailbox(address.substring(0, at), address.substring(at + 1));
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
