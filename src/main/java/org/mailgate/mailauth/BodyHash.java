package org.mailgate.mailauth;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The SHA-256 of a body canonicalized as it streams by (RFC 6376 3.4.3, 3.4.4), so a body of
 * any size is hashed without being held: empty lines are held back as a count (trailing ones
 * are dropped), and in relaxed mode a run of WSP as one flag.
 */
public final class BodyHash {
    private final boolean relaxed;
    private final MessageDigest digest;
    private final byte[] out = new byte[8192];
    private int buffered;
    private long blankLines; // empty lines seen, not yet known to be followed by content
    private boolean inLine; // the current line has content
    private boolean space; // relaxed: WSP seen since the last content
    private boolean cr; // a CR whose LF has not come yet
    private boolean any; // any content at all
    private final long limit;
    private long length; // canonicalized octets so far, hashed or not

    public BodyHash(Canonicalization canonicalization) {
        this(canonicalization, Long.MAX_VALUE);
    }

    /** @param limit canonicalized octets hashed, as a signature's l= says; the rest is counted, not hashed */
    public BodyHash(Canonicalization canonicalization, long limit) {
        this.limit = limit;
        relaxed = canonicalization == Canonicalization.RELAXED;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    public void update(byte[] bytes, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            byte b = bytes[i];
            if (cr) {
                cr = false;
                if (b == '\n') {
                    endLine();
                    continue;
                }
                content((byte) '\r'); // a CR that ends nothing is just an octet
            }
            if (b == '\r') {
                cr = true;
            } else if (relaxed && (b == ' ' || b == '\t')) {
                space = true;
            } else {
                content(b);
            }
        }
    }

    /** The hash; the body ends here. */
    public byte[] digest() {
        if (cr) {
            cr = false;
            content((byte) '\r');
        }
        if (inLine) {
            emitLineEnd(); // a last line without its CRLF gets one
        } else if (!relaxed && !any) {
            emitLineEnd(); // 3.4.3: an empty body is one CRLF in simple
        }
        digest.update(out, 0, buffered);
        buffered = 0;
        return digest.digest();
    }

    private void endLine() {
        space = false; // relaxed: WSP at the end of a line goes
        if (inLine) {
            emitLineEnd();
            inLine = false;
        } else {
            blankLines++;
        }
    }

    private void content(byte b) {
        if (!inLine) {
            for (; blankLines > 0; blankLines--) {
                emitLineEnd();
            }
            inLine = true;
        }
        if (space) {
            space = false;
            emit((byte) ' ');
        }
        emit(b);
        any = true;
    }

    private void emitLineEnd() {
        emit((byte) '\r');
        emit((byte) '\n');
    }

    /** Canonicalized octets of the body, past any limit too; known once {@link #digest()} ran. */
    public long length() {
        return length;
    }

    private void emit(byte b) {
        if (length++ >= limit) {
            return;
        }
        if (buffered == out.length) {
            digest.update(out, 0, buffered);
            buffered = 0;
        }
        out[buffered++] = b;
    }
}
