package org.mailgate.smtp;

import org.mailgate.mail.Mailbox;
import org.mailgate.mail.Refusal;

/**
 * Parses RFC 5321 4.1.2 paths and mailboxes (with RFC 6531 UTF-8 where allowed).
 * Hand-written because no library parses the SMTP envelope grammar (RFC 5322 parsers accept
 * header syntax such as comments and display names, which the envelope forbids).
 */
final class PathParser {
    private static final String ATEXT_SPECIALS = "!#$%&'*+-/=?^_`{|}~";

    private final String text;
    private final boolean utf8Allowed;
    private int pos;

    PathParser(String text, boolean utf8Allowed) {
        this.text = text;
        this.utf8Allowed = utf8Allowed;
    }

    int position() {
        return pos;
    }

    /** Path = "<" [ A-d-l ":" ] Mailbox ">"; the source route is parsed and ignored (RFC 5321 4.1.2). */
    Mailbox path() {
        expect('<');
        if (peek() == '@') {
            atDomain();
            while (peek() == ',') {
                pos++;
                atDomain();
            }
            expect(':');
        }
        Mailbox mailbox = mailbox();
        expect('>');
        return mailbox;
    }

    private void atDomain() {
        expect('@');
        domain();
    }

    /** True when the text at the current position is the null reverse-path "<>". */
    boolean nullPath() {
        if (text.startsWith("<>", pos)) {
            pos += 2;
            return true;
        }
        return false;
    }

    Mailbox mailbox() {
        String local = peek() == '"' ? quotedString() : dotString();
        expect('@');
        String domain = peek() == '[' ? addressLiteral() : domain();
        if (local.length() > 64 || domain.length() > 255) {
            // RFC 5321 4.5.3.1.1 and 4.5.3.1.2
            throw new RefusalException(Refusal.ADDRESS_SYNTAX);
        }
        return new Mailbox(local, domain);
    }

    void expectEnd() {
        if (pos != text.length()) {
            throw new RefusalException(Refusal.ADDRESS_SYNTAX);
        }
    }

    private String dotString() {
        int start = pos;
        atom();
        while (peek() == '.') {
            pos++;
            atom();
        }
        return text.substring(start, pos);
    }

    private void atom() {
        int start = pos;
        while (pos < text.length() && isAtext(text.charAt(pos))) {
            pos++;
        }
        if (pos == start) {
            throw new RefusalException(Refusal.ADDRESS_SYNTAX);
        }
    }

    private String quotedString() {
        int start = pos;
        pos++;
        while (true) {
            char c = next();
            if (c == '"') {
                return text.substring(start, pos);
            }
            if (c == '\\') {
                char quoted = next();
                if (quoted < 32 || quoted == 127) {
                    throw new RefusalException(Refusal.ADDRESS_SYNTAX);
                }
            } else if (!(c == 32 || c == 33 || (c >= 35 && c <= 126) && c != '\\' || isUtf8(c))) {
                throw new RefusalException(Refusal.ADDRESS_SYNTAX);
            }
        }
    }

    private String domain() {
        int start = pos;
        subDomain();
        while (peek() == '.') {
            pos++;
            subDomain();
        }
        return text.substring(start, pos);
    }

    private void subDomain() {
        int start = pos;
        while (pos < text.length() && (isLetDig(text.charAt(pos)) || text.charAt(pos) == '-')) {
            pos++;
        }
        if (pos == start || text.charAt(start) == '-' || text.charAt(pos - 1) == '-') {
            throw new RefusalException(Refusal.ADDRESS_SYNTAX);
        }
    }

    private String addressLiteral() {
        int end = text.indexOf(']', pos);
        if (end < 0) {
            throw new RefusalException(Refusal.ADDRESS_SYNTAX);
        }
        String literal = text.substring(pos, end + 1);
        for (int i = 1; i < literal.length() - 1; i++) {
            char c = literal.charAt(i);
            if (c < 33 || c > 126 || c == '[' || c == '\\') {
                throw new RefusalException(Refusal.ADDRESS_SYNTAX);
            }
        }
        if (literal.length() < 3) {
            throw new RefusalException(Refusal.ADDRESS_SYNTAX);
        }
        pos = end + 1;
        return literal;
    }

    private boolean isAtext(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                || ATEXT_SPECIALS.indexOf(c) >= 0 || isUtf8(c);
    }

    private boolean isLetDig(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || isUtf8(c);
    }

    private boolean isUtf8(char c) {
        if (c < 0x80) {
            return false;
        }
        if (!utf8Allowed) {
            throw new RefusalException(Refusal.SMTPUTF8_REQUIRED);
        }
        return !Character.isISOControl(c) && !Character.isWhitespace(c);
    }

    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private char next() {
        if (pos >= text.length()) {
            throw new RefusalException(Refusal.ADDRESS_SYNTAX);
        }
        return text.charAt(pos++);
    }

    private void expect(char c) {
        if (next() != c) {
            throw new RefusalException(Refusal.ADDRESS_SYNTAX);
        }
    }
}
