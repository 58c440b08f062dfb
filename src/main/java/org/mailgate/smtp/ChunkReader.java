package org.mailgate.smtp;

/**
 * The octets of one BDAT chunk (RFC 3030), counted off the input however they arrive. A chunk is
 * always read whole, even one refused for having no transaction, so its octets are never taken
 * for commands; accepted octets go to the transaction's {@link ContentDecoder}.
 */
final class ChunkReader {
    private final long size;
    private final boolean last;
    private final ContentDecoder content; // null: the chunk is refused, its octets dropped
    private long remaining;

    ChunkReader(long size, boolean last, ContentDecoder content) {
        this.size = size;
        this.last = last;
        this.content = content;
        this.remaining = size;
    }

    /** Takes what the input holds of this chunk; true once the whole chunk is in. */
    boolean read(InputBuffer input) {
        int length = (int) Math.min(remaining, input.readable());
        if (content != null) {
            content.accept(input.array(), input.start(), length);
            content.flush();
        }
        input.skip(length);
        remaining -= length;
        return remaining == 0;
    }

    boolean isComplete() {
        return remaining == 0;
    }

    boolean refused() {
        return content == null;
    }

    boolean last() {
        return last;
    }

    long size() {
        return size;
    }
}
