package org.mailgate.mailauth;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * One header field as it is on the wire, folds and final CRLF included, with its name as DKIM
 * compares names (RFC 6376 3.5 "h=": case-insensitive). The bytes are never decoded: an 8-bit
 * UTF-8 field (RFC 6532) is signed as the octets that are sent.
 */
record HeaderField(String name, byte[] raw) {

    /** The fields of a header section (without the empty line that ends it), in order. */
    static List<HeaderField> split(byte[] header, int length) {
        List<HeaderField> fields = new ArrayList<>();
        int start = 0;
        for (int i = 0; i + 1 < length; i++) {
            boolean lineEnd = header[i] == '\r' && header[i + 1] == '\n';
            boolean folded = i + 2 < length && (header[i + 2] == ' ' || header[i + 2] == '\t');
            if (lineEnd && !folded) {
                fields.add(of(Arrays.copyOfRange(header, start, i + 2)));
                start = i + 2;
                i++;
            }
        }
        if (start < length) {
            fields.add(of(Arrays.copyOfRange(header, start, length)));
        }
        return fields;
    }

    static HeaderField of(byte[] raw) {
        int colon = 0;
        while (colon < raw.length && raw[colon] != ':') {
            colon++;
        }
        int end = colon;
        while (end > 0 && (raw[end - 1] == ' ' || raw[end - 1] == '\t')) {
            end--;
        }
        // Field names are printable ASCII (RFC 5322 3.6.8): ISO-8859-1 maps each octet to itself.
        return new HeaderField(new String(raw, 0, end, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT), raw);
    }
}
