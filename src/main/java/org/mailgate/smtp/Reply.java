package org.mailgate.smtp;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * An SMTP reply (RFC 5321 4.2). {@code status} is null only where RFC 2034 leaves the enhanced
 * status code out: the greeting and the EHLO/HELO response.
 */
public record Reply(int code, EnhancedStatus status, List<String> lines) {

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
