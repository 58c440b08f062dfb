package org.mailgate.spool;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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

    private final SpoolEnvelope envelope;
    private final Path file;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private FileChannel channel;
    private long contentSize;

    IncomingMessage(SpoolEnvelope envelope, Path file) {
        this.envelope = envelope;
        this.file = file;
        pending.writeBytes(EnvelopeCodec.encode(envelope));
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
        pending.write(bytes, offset, length);
        if (pending.size() > SPILL_THRESHOLD) {
            flushPending();
        }
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
        ByteBuffer buffer = ByteBuffer.wrap(pending.toByteArray());
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        pending.reset();
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
