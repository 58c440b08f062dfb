package org.mailgate.spool;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.function.Function;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A message being received. The header section is held (up to a limit) so it can be checked
 * and completed; the rest is kept in memory while small and spilled to a file in the spool's
 * incoming directory when large, so memory stays bounded whatever the message size.
 */
public final class IncomingMessage {
    private static final Logger log = LoggerFactory.getLogger(IncomingMessage.class);
    private static final int SPILL_THRESHOLD = 256 * 1024;
    private static final byte[] END_OF_HEADER = {'\r', '\n', '\r', '\n'};

    private final SpoolEnvelope envelope;
    private final Path file;
    private final byte[] trace;
    private final Function<HeaderSection, String> additions;
    private final int maxHeaderSize;
    private final ByteArrayOutputStream header = new ByteArrayOutputStream();
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private HeaderSection headers;
    private boolean headerTooLarge;
    private FileChannel channel;
    private long contentSize;

    IncomingMessage(SpoolEnvelope envelope, Path file, byte[] trace,
            Function<HeaderSection, String> additions, int maxHeaderSize) {
        this.envelope = envelope;
        this.file = file;
        this.trace = trace;
        this.additions = additions;
        this.maxHeaderSize = maxHeaderSize;
    }

    public String id() {
        return envelope.id();
    }

    public SpoolEnvelope envelope() {
        return envelope;
    }

    /** Adds decoded content. May write to the incoming file (page cache, never fsync). */
    public void append(byte[] bytes) throws IOException {
        contentSize += bytes.length;
        if (headers != null) {
            pending.write(bytes);
        } else if (!headerTooLarge) {
            int searchFrom = Math.max(0, header.size() - 3);
            header.write(bytes);
            byte[] all = header.toByteArray();
            int bodyStart = bodyStart(all, searchFrom);
            if (bodyStart >= 0) {
                completeHeader(all, bodyStart);
            } else if (header.size() > maxHeaderSize) {
                headerTooLarge = true;
                header.reset();
            }
        }
        if (pending.size() > SPILL_THRESHOLD) {
            flushPending();
        }
    }

    public boolean headerTooLarge() {
        return headerTooLarge;
    }

    /** The header section; when the message has no body, all of it. */
    public HeaderSection headers() {
        if (headers == null && !headerTooLarge) {
            byte[] all = header.toByteArray();
            completeHeader(all, all.length);
        }
        return headers;
    }

    public long contentSize() {
        return contentSize;
    }

    /** The header section is all[0, bodyStart): write the queue file's head, then what follows. */
    private void completeHeader(byte[] all, int bodyStart) {
        headers = HeaderSection.parse(Arrays.copyOf(all, bodyStart));
        header.reset();
        pending.writeBytes(EnvelopeCodec.encode(envelope));
        pending.writeBytes(trace);
        pending.writeBytes(additions.apply(headers).getBytes(StandardCharsets.UTF_8));
        pending.write(all, 0, all.length);
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
        headers();
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

    /** Where the body starts (the empty line after the header section), or -1 when not yet seen. */
    private static int bodyStart(byte[] bytes, int from) {
        if (bytes.length >= 2 && bytes[0] == '\r' && bytes[1] == '\n') {
            return 0; // no header fields at all
        }
        outer:
        for (int i = from; i + END_OF_HEADER.length <= bytes.length; i++) {
            for (int j = 0; j < END_OF_HEADER.length; j++) {
                if (bytes[i + j] != END_OF_HEADER[j]) {
                    continue outer;
                }
            }
            return i + 2; // the header section keeps its last CRLF
        }
        return -1;
    }
}
