package org.mailgate.mail;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An SMTP reply (RFC 5321 4.2). {@code status} is null only where RFC 2034 leaves the enhanced
 * status code out: the greeting and the EHLO/HELO response.
 */
public record Reply(int code, EnhancedStatus status, List<String> lines) {
    private static final Pattern ONE_LINE = Pattern.compile("([2-5]\\d\\d)[ -]?(.*)", Pattern.DOTALL);
    private static final Pattern STATUS = Pattern.compile("([245])\\.(\\d{1,3})\\.(\\d{1,3})(?: (.*)|$)", Pattern.DOTALL);

    public Reply {
        if (code < 200 || code > 599) {
            throw new IllegalArgumentException("reply code out of range: " + code);
        }
        lines = List.copyOf(lines);
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("a reply has at least one line");
        }
    }

    public static Reply of(int code, EnhancedStatus status, String text) {
        return new Reply(code, status, List.of(text));
    }

    public boolean isPositive() {
        return code < 400;
    }

    /** 2 (success), 4 (try again later) or 5 (never). */
    public int codeClass() {
        return code / 100;
    }

    /**
     * The enhanced status to report (RFC 3464 2.3.4): the reply's own when its class agrees
     * with the code, else the class of the code with 0.0.
     */
    public EnhancedStatus reportedStatus() {
        return status != null && status.statusClass() == codeClass() ? status : EnhancedStatus.of(codeClass(), 0, 0);
    }

    /** The same reply with {@code note} after its last line's text: where and why it came (" (EHLO at mx.example.com)"). */
    public Reply annotated(String note) {
        List<String> annotated = new java.util.ArrayList<>(lines);
        annotated.set(annotated.size() - 1, annotated.get(annotated.size() - 1) + note);
        return new Reply(code, status, annotated);
    }

    /** The reply on one line, as the journal and the logs keep it: the wire lines joined by a space. */
    public String oneLine() {
        return toString().replaceAll("\r?\n", " ");
    }

    /**
     * Reads back a reply that {@link #oneLine()} wrote: the code, the enhanced status when its
     * class agrees with the code, the rest as one line of text.
     */
    public static Reply parseLine(String line) {
        Matcher m = ONE_LINE.matcher(line);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a reply line: " + line);
        }
        int code = Integer.parseInt(m.group(1));
        EnhancedStatus status = null;
        String text = m.group(2);
        Matcher s = STATUS.matcher(text);
        if (s.matches() && Integer.parseInt(s.group(1)) == code / 100) {
            status = EnhancedStatus.of(Integer.parseInt(s.group(1)), Integer.parseInt(s.group(2)), Integer.parseInt(s.group(3)));
            text = s.group(4) == null ? "" : s.group(4);
        }
        return new Reply(code, status, List.of(text));
    }

    /** The wire form: "250-first" ... "250 last", each line ending in CRLF. */
    public byte[] toBytes() {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            out.append(code).append(i == lines.size() - 1 ? ' ' : '-');
            if (status != null) {
                out.append(status).append(' ');
            }
            out.append(lines.get(i)).append("\r\n");
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return new String(toBytes(), StandardCharsets.UTF_8).stripTrailing();
    }
}
