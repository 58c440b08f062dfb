package org.mailgate.smtp;

/**
 * The framing of a DATA command's text (RFC 5321 4.1.1.4): finds the end, CRLF "." CRLF and
 * nothing else, and undoes dot-stuffing (4.5.2); the content in between goes to a
 * {@link ContentDecoder}, which holds it to the same rules as BDAT content. A line of "." that
 * is not the real end (next to a bare LF or CR: SMTP smuggling, CVE-2023-51764) is passed on as
 * it is, and the decoder refuses the message; reading runs on to the real end, so nothing after
 * a false end is ever read as a command.
 */
final class DataDecoder {
    private static final byte[] DOT = {'.'};
    private static final byte[] DOT_CR = {'.', '\r'};

    private enum State { LINE_START, DOT, DOT_CR, TEXT, CR, DONE }

    private final ContentDecoder content;
    private State state = State.LINE_START;
    // The line just begun followed a bare LF, so a "." CRLF here is no end of data.
    private boolean afterBareLineFeed;

    DataDecoder(ContentDecoder content) {
        this.content = content;
    }

    boolean isDone() {
        return state == State.DONE;
    }

    /** Consumes bytes up to and including the end-of-data line; returns how many were consumed. */
    int decode(byte[] bytes, int offset, int length) {
        int end = offset + length;
        int segment = offset;
        int i = offset;
        while (i < end && state != State.DONE) {
            byte b = bytes[i];
            switch (state) {
                case LINE_START -> {
                    if (b == '.') {
                        content.accept(bytes, segment, i - segment);
                        segment = i + 1; // a stuffed dot, or the terminator's: not content
                        state = State.DOT;
                    } else {
                        state = text(b);
                    }
                }
                case DOT -> {
                    if (b == '\r') {
                        state = State.DOT_CR;
                    } else {
                        if (b == '\n') {
                            content.accept(DOT, 0, 1); // "." LF: no stuffing, and no end either
                        }
                        state = text(b);
                    }
                }
                case DOT_CR -> {
                    if (b == '\n' && !afterBareLineFeed) {
                        segment = i + 1;
                        state = State.DONE;
                    } else {
                        // Not the end: the dot and the CR held back are content after all.
                        content.accept(DOT_CR, 0, 2);
                        segment = i;
                        afterBareLineFeed = false;
                        state = b == '\n' ? State.LINE_START : text(b);
                    }
                }
                case TEXT -> state = text(b);
                case CR -> {
                    if (b == '\n') {
                        afterBareLineFeed = false;
                        state = State.LINE_START;
                    } else {
                        state = text(b); // the content decoder refuses the bare CR
                    }
                }
                case DONE -> throw new IllegalStateException();
            }
            i++;
        }
        // In DOT_CR the CR is held back until its LF shows whether this is the end.
        content.accept(bytes, segment, (state == State.DOT_CR ? i - 1 : i) - segment);
        if (state == State.DONE) {
            content.end();
        } else {
            content.flush();
        }
        return i - offset;
    }

    private State text(byte b) {
        return switch (b) {
            case '\r' -> State.CR;
            case '\n' -> {
                afterBareLineFeed = true; // refused or read as CRLF by the decoder; never ends the data
                yield State.LINE_START;
            }
            default -> State.TEXT;
        };
    }
}
