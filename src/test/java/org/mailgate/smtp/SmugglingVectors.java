package org.mailgate.smtp;

import java.util.List;

/**
 * The false ends of data that SMTP smuggling uses (CVE-2023-51764, CVE-2023-51765,
 * CVE-2023-51766 and the SEC Consult research behind them): each is read as the end of the
 * message by some server that ends lines at a bare LF or a bare CR. Shared by the unit tests, the
 * tests over sockets and the relay tests.
 */
public final class SmugglingVectors {
    public static final List<String> FALSE_ENDS = List.of(
            "\n.\n", "\n.\r\n", "\r\n.\n", "\n.\r", "\r.\r", "\r.\n", "\r.\r\n", "\r\n.\r", "\r\n\0.\r\n", "\r\n.\0\r\n");

    /** What a smuggler puts after the false end: a second transaction. */
    public static final String SMUGGLED = "MAIL FROM:<ceo@example.com>\r\nRCPT TO:<victim@example.com>\r\nDATA\r\n"
            + "From: ceo@example.com\r\nSubject: forged\r\n\r\nforged\r\n.\r\n";

    private SmugglingVectors() {}

    /** "\r\n" for CR LF and so on, for test names. */
    public static String show(String bytes) {
        return bytes.replace("\r", "\\r").replace("\n", "\\n").replace("\0", "\\0");
    }
}
