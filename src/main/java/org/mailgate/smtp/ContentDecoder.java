package org.mailgate.smtp;

import java.util.Arrays;
import org.mailgate.mail.Refusal;

/**
 * The rules every message's content passes, whether it came over DATA (after the dot-stuffing is
 * undone) or in BDAT chunks (RFC 3030): lines end in CRLF and nothing else, no NUL, no text line
 * over 998 octets (RFC 5321 4.5.3.1.6, RFC 5322 2.1.1), no more than the size limit. A bare CR
 * refuses the message; a bare LF refuses it or becomes CRLF ({@link BareLineFeed}), except next
 * to a line holding only ".", where it would be a false end of data to a server reading bare
 * LFs as line ends (SMTP smuggling): that refuses the message in either mode. So what is stored
 * has one reading: every line ends in CRLF, and the header section ends at the first empty line
 * for us exactly as for every reader after us.
 *
 * <p>Content may arrive split anywhere, a CR in one piece and its LF in the next. Checked content
 * collects until {@link #flush} hands it to the sink in one piece; after a refusal nothing more
 * is handed on, but the caller keeps feeding until the message's real end.
 */
final class ContentDecoder {

    /** Receives checked content; the array is the receiver's. */
    interface ContentSink {
        void content(byte[] bytes);
    }

    // RFC 5321 4.5.3.1.6: a text line is at most 1000 octets including the CRLF.
    private static final int MAX_LINE = 998;
    private static final byte[] CRLF = {'\r', '\n'};

    private final long maxSize;
    private final BareLineFeed bareLineFeed;
    private final ContentSink sink;
    private byte[] out = new byte[8192];
    private int outLength;
    private boolean pendingCr;
    private int lineLength;
    private boolean lineIsDot;
    private boolean lineAfterBareLineFeed;
    private long size;
    private Refusal refusal;

    ContentDecoder(long maxSize, BareLineFeed bareLineFeed, ContentSink sink) {
        this.maxSize = maxSize;
        this.bareLineFeed = bareLineFeed;
        this.sink = sink;
    }

    /** Checks a piece of content and keeps it for {@link #flush}. */
    void accept(byte[] bytes, int offset, int length) {
        int end = offset + length;
        int run = offset; // the start of bytes kept as they are
        for (int i = offset; i < end; i++) {
            byte b = bytes[i];
            if (pendingCr) {
                pendingCr = false;
                if (b == '\n') {
                    lineEnd(false);
                    run = i + 1;
                    continue;
                }
                refuse(Refusal.BARE_LINE_ENDING); // a CR not followed by LF
            }
            switch (b) {
                case '\r' -> {
                    keep(bytes, run, i); // the CR waits for its LF, perhaps in the next piece
                    pendingCr = true;
                    run = i + 1;
                }
                case '\n' -> {
                    if (bareLineFeed == BareLineFeed.REJECT) {
                        refuse(Refusal.BARE_LINE_ENDING);
                    }
                    keep(bytes, run, i);
                    lineEnd(true);
                    run = i + 1;
                }
                case 0 -> refuse(Refusal.NUL_BYTE);
                default -> {
                    if (lineLength == 0) {
                        lineIsDot = b == '.';
                    }
                    if (++lineLength > MAX_LINE) {
                        refuse(Refusal.TEXT_LINE_TOO_LONG);
                    }
                }
            }
        }
        keep(bytes, run, end);
    }

    /** The content is complete: a CR still waiting for its LF is a bare CR. */
    void end() {
        if (pendingCr) {
            pendingCr = false;
            refuse(Refusal.BARE_LINE_ENDING);
        }
        flush();
    }

    /** Hands what was checked since the last flush to the sink, unless the message is refused. */
    void flush() {
        if (outLength > 0 && refusal == null) {
            sink.content(Arrays.copyOf(out, outLength));
        }
        outLength = 0;
    }

    /** Marks the message refused for a reason found by the framing around this decoder. */
    void refuse(Refusal reason) {
        if (refusal == null) {
            refusal = reason;
        }
    }

    /** The reason the message is refused, or null when it is acceptable so far. */
    Refusal refusal() {
        return refusal;
    }

    /** Octets of checked content, line ends as stored (CRLF). */
    long size() {
        return size;
    }

    private void lineEnd(boolean bare) {
        if (lineLength == 1 && lineIsDot && (bare || lineAfterBareLineFeed)) {
            refuse(Refusal.FALSE_END_OF_DATA);
        }
        keep(CRLF, 0, 2);
        lineLength = 0;
        lineIsDot = false;
        lineAfterBareLineFeed = bare;
    }

    private void keep(byte[] bytes, int from, int to) {
        int length = to - from;
        if (length <= 0 || refusal != null) {
            return;
        }
        size += length;
        if (size > maxSize) {
            refuse(Refusal.SIZE_EXCEEDED);
            return;
        }
        if (outLength + length > out.length) {
            out = Arrays.copyOf(out, Math.max(out.length * 2, outLength + length));
        }
        System.arraycopy(bytes, from, out, outLength, length);
        outLength += length;
    }
}
