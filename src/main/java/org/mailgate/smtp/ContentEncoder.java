package org.mailgate.smtp;

import java.util.Arrays;

/**
 * The client's side of message content: whatever the stored bytes hold, every line end goes on
 * the wire as CRLF (a bare CR or LF becomes one; CRLF stays one, even split across pieces), so a
 * next hop that ends lines at a bare CR or LF reads the same lines as one that does not. For DATA
 * (RFC 5321 4.5.2) a line that starts with "." gets another in front, and the end is CRLF "."
 * CRLF, with a CRLF first when the content does not end in one; BDAT (RFC 3030) sends the lines
 * as they are. Nothing relayed can be read two ways. Fed content in pieces of any size.
 */
public final class ContentEncoder {
    private static final byte[] END = {'.', '\r', '\n'};
    private static final byte[] CRLF_END = {'\r', '\n', '.', '\r', '\n'};

    private final boolean stuffDots;
    private boolean lineStart = true;
    private boolean afterCr; // a CR was sent as CRLF: an LF right after it is that same line end

    private ContentEncoder(boolean stuffDots) {
        this.stuffDots = stuffDots;
    }

    /** For DATA: dot-stuffed, with {@link #end()} as the terminator. */
    public static ContentEncoder forData() {
        return new ContentEncoder(true);
    }

    /** For BDAT chunks: line ends made CRLF, nothing else changed. */
    public static ContentEncoder forChunks() {
        return new ContentEncoder(false);
    }

    /** The piece as it goes on the wire. */
    public byte[] encode(byte[] content, int offset, int length) {
        byte[] out = new byte[length * 2 + 1];
        int n = 0;
        for (int i = offset; i < offset + length; i++) {
            byte b = content[i];
            if (b == '\n' && afterCr) {
                afterCr = false;
                continue;
            }
            afterCr = false;
            if (b == '\r' || b == '\n') {
                out[n++] = '\r';
                out[n++] = '\n';
                afterCr = b == '\r';
                lineStart = true;
                continue;
            }
            if (lineStart && stuffDots && b == '.') {
                out[n++] = '.';
            }
            out[n++] = b;
            lineStart = false;
        }
        return Arrays.copyOf(out, n);
    }

    /** The DATA terminator, after the last piece. */
    public byte[] end() {
        return lineStart ? END.clone() : CRLF_END.clone();
    }
}
