package org.mailgate.spool;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A message being received, on its way to the queue: its envelope block, then the content as it
 * arrives, kept in memory while small and spilled to a file in the spool's incoming directory
 * when large, so memory stays bounded whatever the message's size. Only
 * {@link Spool#commit} makes it durable.
 */
public final class IncomingMessage {
    private static final Logger log = LoggerFactory.getLogger(IncomingMessage.class);
    private static final int SPILL_THRESHOLD = 256 * 1024;

    private SpoolEnvelope envelope;
    private final Path file;
    private int envelopeLength;
    /** What is not yet in the file: the file's octets from {@link #written} on. */
    private byte[] pending = new byte[4096];
    private int pendingLength;
    private long written;
    private FileChannel channel;
    private long contentSize;

    /** @param file where the content goes when it outgrows memory (never read by anyone else) */
    public IncomingMessage(SpoolEnvelope envelope, Path file) {
        this.envelope = envelope;
        this.file = file;
        byte[] block = EnvelopeCodec.encode(envelope);
        envelopeLength = block.length;
        buffer(block, 0, block.length);
    }

    public String id() {
        return envelope.id();
    }

    public SpoolEnvelope envelope() {
        return envelope;
    }

    /** Adds content. May write to the incoming file (page cache, never fsync). */
    public void append(byte[] bytes, int offset, int length) throws IOException {
        contentSize += length;
        buffer(bytes, offset, length);
        if (pendingLength > SPILL_THRESHOLD) {
            flushPending();
        }
    }

    /**
     * Writes over content appended before, from {@code position} (0 is the first octet of
     * content): the room a signer kept for its fields. Page cache only, like {@link #append}.
     */
    public void rewrite(long position, byte[] bytes) throws IOException {
        if (position < 0 || position + bytes.length > contentSize) {
            throw new IllegalArgumentException("rewrite of " + bytes.length + " octets at " + position + " past the " + contentSize + " appended");
        }
        long at = envelopeLength + position;
        int inFile = (int) Math.max(0, Math.min(bytes.length, written - at));
        ByteBuffer head = ByteBuffer.wrap(bytes, 0, inFile);
        while (head.hasRemaining()) {
            channel.write(head, at + head.position());
        }
        if (inFile < bytes.length) {
            System.arraycopy(bytes, inFile, pending, (int) (at + inFile - written), bytes.length - inFile);
        }
    }

    /**
     * Puts octets in front of all the content (a verifier's Authentication-Results field, known
     * only at the end) and files the message in {@code folder}: the envelope block is written
     * again. In memory this is a copy of the buffer; a message already spilled to its file is
     * copied into a new file once, off the event loop, before the commit.
     */
    public void prepend(byte[] bytes, Optional<String> folder) throws IOException {
        envelope = envelope.withFolder(folder);
        byte[] block = EnvelopeCodec.encode(envelope);
        if (channel == null) {
            byte[] joined = new byte[Math.max(pending.length, pendingLength - envelopeLength + block.length + bytes.length)];
            System.arraycopy(block, 0, joined, 0, block.length);
            System.arraycopy(bytes, 0, joined, block.length, bytes.length);
            System.arraycopy(pending, envelopeLength, joined, block.length + bytes.length, pendingLength - envelopeLength);
            pending = joined;
            pendingLength += block.length - envelopeLength + bytes.length;
        } else {
            flushPending();
            Path copy = file.resolveSibling(file.getFileName() + ".prepend");
            try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ);
                    FileChannel out = PrivateFiles.open(copy, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer head = ByteBuffer.wrap(joined(block, bytes));
                while (head.hasRemaining()) {
                    out.write(head);
                }
                long from = envelopeLength;
                while (from < written) {
                    from += in.transferTo(from, written - from, out);
                }
            }
            channel.close();
            Files.move(copy, file, StandardCopyOption.REPLACE_EXISTING);
            channel = PrivateFiles.open(file, StandardOpenOption.WRITE);
            written += block.length - envelopeLength + bytes.length;
            channel.position(written);
        }
        envelopeLength = block.length;
        contentSize += bytes.length;
    }

    private static byte[] joined(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private void buffer(byte[] bytes, int offset, int length) {
        if (pendingLength + length > pending.length) {
            pending = Arrays.copyOf(pending, Math.max(pending.length * 2, pendingLength + length));
        }
        System.arraycopy(bytes, offset, pending, pendingLength, length);
        pendingLength += length;
    }

    public void append(byte[] bytes) throws IOException {
        append(bytes, 0, bytes.length);
    }

    /** Octets of content so far, without the envelope block. */
    public long contentSize() {
        return contentSize;
    }

    private void flushPending() throws IOException {
        if (channel == null) {
            channel = PrivateFiles.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        }
        ByteBuffer buffer = ByteBuffer.wrap(pending, 0, pendingLength);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        written += pendingLength;
        pendingLength = 0;
        if (pending.length > 2 * SPILL_THRESHOLD) {
            pending = new byte[4096]; // a large append grew it: not kept for the rest of the message
        }
    }

    /**
     * The content as received so far, without the envelope block: from memory, or from the file
     * it spilled to (written out, not fsynced), for a spool that stores it elsewhere.
     */
    public InputStream content() throws IOException {
        if (channel == null) {
            return new ByteArrayInputStream(pending, envelopeLength, pendingLength - envelopeLength);
        }
        flushPending();
        InputStream in = Files.newInputStream(file);
        in.skipNBytes(envelopeLength);
        return in;
    }

    /** Writes what is left, fsyncs and closes the file; runs on the spool's commit threads. */
    void writeAndForce() throws IOException {
        flushPending();
        channel.force(true);
        channel.close();
        channel = null;
    }

    Path file() {
        return file;
    }

    /** Drops the message: the connection broke, or the message was refused. */
    public void discard() {
        try {
            if (channel != null) {
                channel.close();
                channel = null;
            }
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("{}: cannot remove incoming file: {}", id(), e.getMessage());
        }
    }
}
