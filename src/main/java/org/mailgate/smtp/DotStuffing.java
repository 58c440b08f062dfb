package org.mailgate.smtp;

import java.util.Arrays;

/**
 * The client's side of DATA framing (RFC 5321 4.5.2): a line that starts with "." gets another
 * in front, and the end is CRLF "." CRLF, with a CRLF first when the content does not end in one.
 * Fed content in pieces of any size; returns the bytes to send.
 */
public final class DotStuffing {
    private static final byte[] END = {'.', '\r', '\n'};
    private static final byte[] CRLF_END = {'\r', '\n', '.', '\r', '\n'};

    private boolean lineStart = true;

    /** The piece as it goes on the wire. */
    public byte[] encode(byte[] content, int offset, int length) {
        byte[] out = new byte[length * 2];
        int n = 0;
        for (int i = offset; i < offset + length; i++) {
            byte b = content[i];
            if (lineStart && b == '.') {
                out[n++] = '.';
            }
            out[n++] = b;
            lineStart = b == '\n';
        }
        return Arrays.copyOf(out, n);
    }

    /** The terminator, after the last piece. */
    public byte[] end() {
        return lineStart ? END.clone() : CRLF_END.clone();
    }
}
