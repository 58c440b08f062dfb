package org.mailgate.mailauth;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The Authentication-Results field (RFC 8601) of our verdicts: one resinfo per check, every
 * property value a bare token or address only when it is nothing else and a quoted-string
 * otherwise, every reason a comment, with the quotes, backslashes, parentheses and control
 * characters of its input escaped or dropped, so nothing a sender puts in a domain, selector or
 * record can add a field or a result.
 */
public final class AuthenticationResults {
    private AuthenticationResults() {}

    /** An RFC 2045 token, or a dot-atom address of such tokens: a pvalue that nothing can follow inside it. */
    private static final Pattern BARE = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`{|}~-]+(@[A-Za-z0-9!#$%&'*+.^_`{|}~-]+)?");

    /** What the checks found; any part may be absent. */
    public record Verdicts(Optional<SpfVerdict> spf, Optional<SpfVerdict> helo, List<DkimResult> dkim, Optional<DmarcVerdict> dmarc,
            Optional<ArcResult> arc, Optional<String> iprev, Optional<String> clientAddress) {

        public Verdicts withArc(ArcResult chain) {
            return new Verdicts(spf, helo, dkim, dmarc, Optional.of(chain), iprev, clientAddress);
        }
    }

    /** The whole field, folded one result a line, with its CRLF. */
    public static String field(String authservId, Verdicts v) {
        List<String> results = new ArrayList<>();
        v.iprev().ifPresent(result -> results.add("iprev=" + result + v.clientAddress().map(a -> " policy.iprev=" + quote(a)).orElse("")));
        v.spf().ifPresent(spf -> results.add("spf=" + spf.result().keyword() + comment(spf.reason()) + " smtp.mailfrom=" + quote(spf.sender())));
        v.helo().ifPresent(helo -> results.add("spf=" + helo.result().keyword() + comment(helo.reason()) + " smtp.helo="
                + quote(helo.sender().substring(helo.sender().indexOf('@') + 1))));
        if (v.dkim().isEmpty()) {
            results.add("dkim=none");
        }
        for (DkimResult d : v.dkim()) {
            String why = d.partialBody() ? "l= left " + (d.bodyLengthSeen() - d.bodyLength().getAsLong()) + " body octets unsigned" : d.reason();
            results.add("dkim=" + d.status().keyword() + comment(why) + " header.d=" + quote(d.domain()) + " header.s=" + quote(d.selector())
                    + " header.a=" + quote(d.algorithm()) + (d.signaturePrefix().isEmpty() ? "" : " header.b=" + quote(d.signaturePrefix())));
        }
        v.dmarc().ifPresent(d -> results.add("dmarc=" + d.result().keyword() + comment(d.reason()) + " header.from=" + quote(d.fromDomain())
                + " policy.dmarc=" + d.policy().keyword()));
        // RFC 8617 10.1: arc with the client's address; the comment names the instances and the sealer
        v.arc().ifPresent(arc -> results.add("arc=" + arc.status().keyword()
                + comment(arc.instances() == 0 ? arc.reason() : "i=" + arc.instances() + (arc.sealer().isEmpty() ? "" : " sealed by " + arc.sealer())
                        + (arc.reason().isEmpty() ? "" : ": " + arc.reason()))
                + v.clientAddress().map(a -> " smtp.remote-ip=" + quote(a)).orElse("")));
        StringBuilder field = new StringBuilder("Authentication-Results: ").append(authservId);
        for (String result : results) {
            field.append(";\r\n\t").append(result);
        }
        return field.append("\r\n").toString();
    }

    /** Whether an Authentication-Results value claims our authserv-id (RFC 8601 5: such fields are removed on arrival). */
    public static boolean claims(String value, String authservId) {
        String v = value.strip();
        while (v.startsWith("(")) { // a leading comment
            int close = v.indexOf(')');
            if (close < 0) {
                return false;
            }
            v = v.substring(close + 1).strip();
        }
        int end = 0;
        while (end < v.length() && !Character.isWhitespace(v.charAt(end)) && v.charAt(end) != ';' && v.charAt(end) != '(') {
            end++;
        }
        String id = v.substring(0, end);
        if (id.startsWith("\"") && id.endsWith("\"") && id.length() > 1) {
            id = id.substring(1, id.length() - 1);
        }
        return id.toLowerCase(Locale.ROOT).equals(authservId.toLowerCase(Locale.ROOT));
    }

    /**
     * The value bare when it is a token or an address of tokens (as most receivers write them, and
     * as parsers such as Debian's authres 1.2 read them: it drops a property that follows a
     * quoted-string), else an RFC 5322 quoted-string: only visible ASCII and space, quote and
     * backslash escaped.
     */
    static String quote(String value) {
        if (BARE.matcher(value).matches()) {
            return value;
        }
        StringBuilder out = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c >= 0x20 && c < 0x7f) {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    private static String comment(String reason) {
        if (reason.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder(" (");
        for (char c : reason.toCharArray()) {
            if (c == '(' || c == ')' || c == '\\') {
                out.append('\\').append(c);
            } else if (c >= 0x20 && c < 0x7f) {
                out.append(c);
            }
        }
        return out.append(')').toString();
    }
}
