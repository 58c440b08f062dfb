package org.mailgate.delivery;

import java.io.IOException;
import java.io.InputStream;

/**
 * Copies message content into DATA (RFC 5321 4.5.2): a line starting with "." gets another, and
 * the content ends with CRLF so the terminating "." stands on its own line. Queued content
 * already has CRLF line ends: the listener refuses bare CR and LF.
 */
final class DotStuffer {
    private DotStuffer() {}

    static void copy(InputStream in, OutboundConnection out) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        byte[] stuffed = new byte[buffer.length * 2];
        boolean lineStart = true;
        int previous = '\n';
        int n;
        while ((n = in.read(buffer)) > 0) {
            int length = 0;
            for (int i = 0; i < n; i++) {
                byte b = buffer[i];
                if (lineStart && b == '.') {
                    stuffed[length++] = '.';
                }
                stuffed[length++] = b;
                lineStart = b == '\n';
                previous = b;
            }
            out.sendRaw(stuffed, 0, length);
        }
        if (previous != '\n') {
            out.sendRaw(new byte[] {'\r', '\n'}, 0, 2);
        }
    }
}
