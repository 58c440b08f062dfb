package org.mailgate.message;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An RFC 5322 3.4 mailbox-list (with RFC 6532 UTF-8), read strictly, for the checks on who a
 * submitted message says it is from. Mail programs agree on the plain grammar and on little
 * else: given {@code <alice@example.com>bob@example.com}, Jakarta Mail (even in strict mode)
 * reads alice and Python reads two authors. So what could be read two ways is refused here, not
 * guessed: text after an address, unbalanced quotes or angle brackets, quoted pairs, nested
 * comments or comments holding address characters, groups, source routes, empty list members.
 * Hand-written because no parser we could use refuses these.
 */
final class MailboxList {
    private static final String ATEXT_SPECIALS = "!#$%&'*+-/=?^_`{|}~";
    // In a comment: plain text only, nothing a reader could take for part of an address.
    private static final String COMMENT_FORBIDDEN = "()\\<>@,;:\"[]";

    private final String text;
    private int pos;

    private MailboxList(String text) {
        this.text = text;
    }

    /** The addresses ("local@domain", a quoted local part kept quoted), or empty when the value is not one plain list. */
    static Optional<List<String>> parse(String value) {
        try {
            return Optional.of(new MailboxList(value).mailboxes());
        } catch (Unreadable e) {
            return Optional.empty();
        }
    }

    private List<String> mailboxes() {
        List<String> addresses = new ArrayList<>();
        skipSpaceAndComments();
        do {
            addresses.add(mailbox());
            skipSpaceAndComments();
        } while (accept(',') && skipSpaceAndComments());
        if (pos != text.length()) {
            throw new Unreadable();
        }
        return addresses;
    }

    /** mailbox = name-addr / addr-spec */
    private String mailbox() {
        int start = pos;
        if (peek() != '<') {
            try {
                String address = addrSpec();
                int end = pos;
                skipSpaceAndComments();
                if (pos == text.length() || peek() == ',') {
                    return address;
                }
                pos = end;
            } catch (Unreadable notAnAddress) {
                // a display name, then
            }
            pos = start;
            phrase();
        }
        expect('<');
        String address = addrSpec();
        expect('>');
        return address;
    }

    /** display-name = phrase: words (atoms, quoted strings) and the dots of obs-phrase ("John Q. Public"). */
    private void phrase() {
        int words = 0;
        while (true) {
            skipSpaceAndComments();
            char c = peek();
            if (c == '"') {
                quotedString();
            } else if (isAtext(c) || c == '.') {
                pos++;
            } else {
                break;
            }
            words++;
        }
        if (words == 0) {
            throw new Unreadable();
        }
    }

    /** addr-spec = local-part "@" domain, with no space or comment inside. */
    private String addrSpec() {
        int start = pos;
        if (peek() == '"') {
            quotedString();
        } else {
            dotAtom();
        }
        expect('@');
        if (peek() == '[') {
            domainLiteral();
        } else {
            dotAtom();
        }
        return text.substring(start, pos);
    }

    private void dotAtom() {
        atom();
        while (peek() == '.') {
            pos++;
            atom();
        }
    }

    private void atom() {
        int start = pos;
        while (pos < text.length() && isAtext(text.charAt(pos))) {
            pos++;
        }
        if (pos == start) {
            throw new Unreadable();
        }
    }

    /** A quoted string without quoted pairs: readers disagree on what a backslash escapes. */
    private void quotedString() {
        expect('"');
        while (true) {
            char c = next();
            if (c == '"') {
                return;
            }
            if (c == '\\' || c < 32 && c != '\t' || c == 127) {
                throw new Unreadable();
            }
        }
    }

    private void domainLiteral() {
        expect('[');
        while (true) {
            char c = next();
            if (c == ']') {
                return;
            }
            if (c < 33 || c > 126 || c == '[' || c == '\\') {
                throw new Unreadable();
            }
        }
    }

    /** Skips white space and flat, plain comments ("(Alice Smith)"); always true, to chain in conditions. */
    private boolean skipSpaceAndComments() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == ' ' || c == '\t') {
                pos++;
            } else if (c == '(') {
                pos++;
                for (char inside = next(); inside != ')'; inside = next()) {
                    if (COMMENT_FORBIDDEN.indexOf(inside) >= 0) {
                        throw new Unreadable();
                    }
                }
            } else {
                break;
            }
        }
        return true;
    }

    private static boolean isAtext(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || ATEXT_SPECIALS.indexOf(c) >= 0
                || c >= 0x80 && !Character.isISOControl(c) && !Character.isWhitespace(c); // RFC 6532 UTF8-non-ascii
    }

    private boolean accept(char c) {
        if (peek() == c) {
            pos++;
            return true;
        }
        return false;
    }

    private void expect(char c) {
        if (!accept(c)) {
            throw new Unreadable();
        }
    }

    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private char next() {
        if (pos >= text.length()) {
            throw new Unreadable();
        }
        return text.charAt(pos++);
    }

    /** The value is not one plain mailbox-list; control flow only, so no stack trace is taken. */
    private static final class Unreadable extends RuntimeException {
        Unreadable() {
            super(null, null, false, false);
        }
    }
}
