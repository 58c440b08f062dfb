package org.mailgate.mailauth;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * RFC 7208 7: macro expansion of domain-specs and explanations. Written here because no
 * maintained Java SPF library exists (jSPF is abandoned); the grammar is small and the RFC 7208
 * test suite checks it.
 */
final class SpfMacros {
    /** A macro-string that breaks RFC 7208 7.1's grammar: a permerror where it is used. */
    static final class SyntaxError extends Exception {
        SyntaxError(String message) {
            super(message);
        }
    }

    /**
     * What the macros expand to for one evaluation.
     *
     * @param validatedName the p macro's value, looked up only when a macro asks for it
     */
    record Values(String sender, String domain, InetAddress ip, String helo, String receiver, long timestamp,
            Supplier<String> validatedName) {

        Values withDomain(String newDomain) {
            return new Values(sender, newDomain, ip, helo, receiver, timestamp, validatedName);
        }
    }

    private static final String DELIMITERS = ".-+,/_=";

    private SpfMacros() {}

    /** Expands a macro-string; {@code explanation} allows the c, r and t letters (7.2). */
    static String expand(String text, Values values, boolean explanation) throws SyntaxError {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c < 0x21 || c > 0x7e) && !(explanation && c == ' ')) { // 6.2: explain-string = *( macro-string / SP )
                throw new SyntaxError("'" + text + "' holds a character outside visible ASCII");
            }
            if (c != '%') {
                out.append(c);
                continue;
            }
            if (++i == text.length()) {
                throw new SyntaxError("'" + text + "' ends with a lone %");
            }
            switch (text.charAt(i)) {
                case '%' -> out.append('%');
                case '_' -> out.append(' ');
                case '-' -> out.append("%20");
                case '{' -> {
                    int close = text.indexOf('}', i);
                    if (close < 0) {
                        throw new SyntaxError("'" + text + "' has an unclosed %{");
                    }
                    out.append(macro(text.substring(i + 1, close), values, explanation));
                    i = close;
                }
                default -> throw new SyntaxError("'" + text + "' has % followed by '" + text.charAt(i) + "'");
            }
        }
        return out.toString();
    }

    private static String macro(String body, Values values, boolean explanation) throws SyntaxError {
        if (body.isEmpty()) {
            throw new SyntaxError("empty macro %{}");
        }
        char letter = body.charAt(0);
        String value = switch (Character.toLowerCase(letter)) {
            case 's' -> values.sender();
            case 'l' -> values.sender().substring(0, values.sender().lastIndexOf('@'));
            case 'o' -> values.sender().substring(values.sender().lastIndexOf('@') + 1);
            case 'd' -> values.domain();
            case 'i' -> dotted(values.ip());
            case 'p' -> values.validatedName().get();
            case 'v' -> values.ip() instanceof Inet4Address ? "in-addr" : "ip6";
            case 'h' -> values.helo();
            case 'c' -> explanationOnly(explanation, letter, readable(values.ip()));
            case 'r' -> explanationOnly(explanation, letter, values.receiver());
            case 't' -> explanationOnly(explanation, letter, Long.toString(values.timestamp()));
            default -> throw new SyntaxError("unknown macro letter '" + letter + "'");
        };
        int i = 1;
        int digitsFrom = i;
        while (i < body.length() && Character.isDigit(body.charAt(i))) {
            i++;
        }
        int keep = i > digitsFrom ? Integer.parseInt(body.substring(digitsFrom, Math.min(i, digitsFrom + 3))) : -1;
        if (keep == 0) {
            throw new SyntaxError("macro %{" + body + "} keeps zero labels");
        }
        boolean reverse = i < body.length() && Character.toLowerCase(body.charAt(i)) == 'r';
        if (reverse) {
            i++;
        }
        String delimiters = body.substring(i);
        for (char d : delimiters.toCharArray()) {
            if (DELIMITERS.indexOf(d) < 0) {
                throw new SyntaxError("macro %{" + body + "} has '" + d + "', not a delimiter");
            }
        }
        String transformed = transform(value, keep, reverse, delimiters.isEmpty() ? "." : delimiters);
        // 7.3: an uppercase letter asks for URL escaping
        return Character.isUpperCase(letter) ? urlEscape(transformed) : transformed;
    }

    private static String explanationOnly(boolean explanation, char letter, String value) throws SyntaxError {
        if (!explanation) {
            throw new SyntaxError("macro letter '" + letter + "' is allowed only in an explanation");
        }
        return value;
    }

    /** 7.3: split on the delimiters, reverse if asked, keep the rightmost parts, join with dots. */
    private static String transform(String value, int keep, boolean reverse, String delimiters) {
        List<String> parts = new ArrayList<>();
        int start = 0;
        for (int j = 0; j < value.length(); j++) {
            if (delimiters.indexOf(value.charAt(j)) >= 0) {
                parts.add(value.substring(start, j));
                start = j + 1;
            }
        }
        parts.add(value.substring(start));
        if (reverse) {
            Collections.reverse(parts);
        }
        if (keep > 0 && keep < parts.size()) {
            parts = parts.subList(parts.size() - keep, parts.size());
        }
        return String.join(".", parts);
    }

    /** The i macro: dotted quad, or for IPv6 dot-separated nibbles (7.3). */
    private static String dotted(InetAddress ip) {
        if (ip instanceof Inet4Address) {
            return ip.getHostAddress();
        }
        StringBuilder nibbles = new StringBuilder();
        for (byte b : ip.getAddress()) {
            nibbles.append(Character.forDigit((b >> 4) & 0xf, 16)).append('.').append(Character.forDigit(b & 0xf, 16)).append('.');
        }
        return nibbles.substring(0, nibbles.length() - 1);
    }

    /** The c macro: the address as people write it; IPv6 compressed as RFC 5952 4.2 says. */
    private static String readable(InetAddress ip) {
        if (ip instanceof Inet4Address) {
            return ip.getHostAddress();
        }
        String[] groups = ip.getHostAddress().replaceAll("%.*", "").split(":");
        int bestStart = -1;
        int bestLength = 1; // a single zero group is not compressed (4.2.2)
        for (int i = 0; i < groups.length; i++) {
            int j = i;
            while (j < groups.length && groups[j].equals("0")) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
        }
        if (bestStart < 0) {
            return String.join(":", groups);
        }
        return String.join(":", Arrays.copyOfRange(groups, 0, bestStart)) + "::"
                + String.join(":", Arrays.copyOfRange(groups, bestStart + bestLength, groups.length));
    }

    private static String urlEscape(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (Character.isLetterOrDigit(c) && c < 128 || "-._~".indexOf(c) >= 0) {
                out.append(c);
            } else {
                out.append('%').append(String.format(Locale.ROOT, "%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    /** 7.3 last paragraph: an expanded domain longer than 253 octets loses labels from the left. */
    static String truncate(String domain) {
        String d = domain;
        while (d.length() > 253 && d.indexOf('.') >= 0) {
            d = d.substring(d.indexOf('.') + 1);
        }
        return d;
    }
}
