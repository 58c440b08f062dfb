package org.mailgate.dns;

/** An MX record: its preference and the host it names, without the trailing dot ("." for the root). */
public record MxRecord(int preference, String host) {

    /** RFC 7505: "MX 0 ." says the domain accepts no mail. */
    public boolean isNullMx() {
        return host.equals(".");
    }
}
