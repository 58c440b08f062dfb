package org.mailgate.smtp;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Bytes received but not yet processed. */
final class InputBuffer {
    private byte[] bytes = new byte[1024];
    private int start;
    private int end;

    void append(byte[] source, int offset, int length) {
        if (end + length > bytes.length) {
            int used = end - start;
            byte[] target = used + length > bytes.length ? new byte[Math.max(bytes.length * 2, used + length)] : bytes;
            System.arraycopy(bytes, start, target, 0, used);
            bytes = target;
            start = 0;
            end = used;
        }
        System.arraycopy(source, offset, bytes, end, length);
        end += length;
    }

    int readable() {
        return end - start;
    }

    byte[] array() {
        return bytes;
    }

    int start() {
        return start;
    }

    void skip(int count) {
        start += count;
        if (start == end) {
            clear();
        }
    }

    /** Index of the first LF at or after {@code start}, or -1. */
    int indexOfLineFeed() {
        for (int i = start; i < end; i++) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    void clear() {
        start = 0;
        end = 0;
        if (bytes.length > 64 * 1024) {
            bytes = new byte[1024];
        }
    }

    @Override
    public String toString() {
        return new String(Arrays.copyOfRange(bytes, start, end), StandardCharsets.ISO_8859_1);
    }
}
