package org.mailgate.smtp;

/**
 * Decodes the text of a DATA command (RFC 5321 4.1.1.4): finds the end, CRLF "." CRLF and
 * nothing else, and undoes dot-stuffing (4.5.2). Strict on purpose: a bare CR or LF
 * (SMTP smuggling, CVE-2023-51764), a NUL, a text line over 1000 octets or a message over the
 * size limit refuses the message; decoding still runs to the real end so that nothing after a
 * bogus terminator is ever read as a command.
 */
final class DataDecoder {

    /** Receives decoded content. Segments are only valid during the call. */
    interface ContentSink {
        void content(byte[] bytes, int offset, int length);
    }

    // RFC 5321 4.5.3.1.6: a text line is at most 1000 octets including CRLF; counted here
    // up to and including the CR.
    private static final int MAX_LINE = 999;

    private enum State { LINE_START, DOT, DOT_CR, TEXT, CR, DONE }

    private final long maxSize;
    private final ContentSink sink;
    private State state = State.LINE_START;
    private int lineLength;
    private long size;
    private Refusal refusal;

    DataDecoder(long maxSize, ContentSink sink) {
        this.maxSize = maxSize;
        this.sink = sink;
    }

    boolean isDone() {
        return state == State.DONE;
    }

    /** The reason the message is refused, or null when it is acceptable. */
    Refusal refusal() {
        return refusal;
    }

    long size() {
        return size;
    }

    /** Consumes bytes up to and including the end-of-data line; returns how many were consumed. */
    int decode(byte[] bytes, int offset, int length) {
        int end = offset + length;
        int segment = offset;
        int i = offset;
        while (i < end && state != State.DONE) {
            byte b = bytes[i];
            lineLength++;
            switch (state) {
                case LINE_START -> {
                    if (b == '.') {
                        emit(bytes, segment, i);
                        segment = i + 1; // the stuffed dot is dropped
                        state = State.DOT;
                    } else {
                        state = text(b);
                    }
                }
                case DOT -> state = b == '\r' ? State.DOT_CR : text(b);
                case DOT_CR -> {
                    if (b == '\n') {
                        segment = i + 1;
                        state = State.DONE;
                    } else {
                        refuse(Refusal.BARE_LINE_ENDING);
                        state = text(b);
                    }
                }
                case TEXT -> state = text(b);
                case CR -> {
                    if (b == '\n') {
                        lineLength = 0;
                        state = State.LINE_START;
                    } else {
                        refuse(Refusal.BARE_LINE_ENDING);
                        state = text(b);
                    }
                }
                case DONE -> throw new IllegalStateException();
            }
            if (lineLength > MAX_LINE) {
                refuse(Refusal.TEXT_LINE_TOO_LONG);
            }
            i++;
        }
        // A CR after a leading dot may be the terminator's: hold it back until the LF shows.
        emit(bytes, segment, state == State.DOT_CR ? i - 1 : i);
        return i - offset;
    }

    private State text(byte b) {
        switch (b) {
            case '\r' -> {
                return State.CR;
            }
            case '\n' -> {
                // A bare LF never starts a line: only CRLF "." CRLF can end the data.
                refuse(Refusal.BARE_LINE_ENDING);
                return State.TEXT;
            }
            case 0 -> refuse(Refusal.NUL_BYTE);
            default -> { }
        }
        return State.TEXT;
    }

    private void emit(byte[] bytes, int from, int to) {
        if (from >= to || refusal != null) {
            return;
        }
        size += to - from;
        if (size > maxSize) {
            refuse(Refusal.SIZE_EXCEEDED);
            return;
        }
        sink.content(bytes, from, to - from);
    }

    private void refuse(Refusal reason) {
        if (refusal == null) {
            refusal = reason;
        }
    }
}
