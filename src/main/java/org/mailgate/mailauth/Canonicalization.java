package org.mailgate.mailauth;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** RFC 6376 3.4: how header fields and the body are prepared for hashing. */
public enum Canonicalization {
    SIMPLE, RELAXED;

    /** The field as it is hashed, with its final CRLF when it has one. */
    byte[] header(HeaderField field) {
        if (this == SIMPLE) {
            return field.raw(); // 3.4.1: not changed in any way
        }
        // 3.4.2: lowercase name, no WSP around the colon, unfolded, WSP runs as one SP, none at the ends of the value
        byte[] raw = field.raw();
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length);
        out.writeBytes(field.name().getBytes(StandardCharsets.ISO_8859_1));
        out.write(':');
        int i = 0;
        while (i < raw.length && raw[i] != ':') {
            i++;
        }
        boolean space = false;
        boolean started = false;
        boolean crlf = false;
        for (i++; i < raw.length; i++) {
            byte b = raw[i];
            if (b == '\r' && i + 1 < raw.length && raw[i + 1] == '\n') {
                crlf = i + 2 == raw.length;
                i++;
                continue;
            }
            if (b == ' ' || b == '\t') {
                space = started;
                continue;
            }
            if (space) {
                out.write(' ');
                space = false;
            }
            out.write(b);
            started = true;
        }
        if (crlf) {
            out.write('\r');
            out.write('\n');
        }
        return out.toByteArray();
    }

}
