package org.mailgate.message;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.mailgate.mail.Refusal;

/**
 * One message through a {@link MessagePipeline}. The header section is held (up to the limit)
 * until its empty line arrives; then the modifiers' fields, the header section and everything
 * after it stream to the sink, so memory stays bounded whatever the message's size. At the end
 * of the data, {@link #finish} runs the checks.
 */
public final class MessageAssembly {
    private static final byte[] END_OF_HEADER = {'\r', '\n', '\r', '\n'};

    /** Where the content goes (the spool). */
    public interface Sink {
        void write(byte[] bytes, int offset, int length) throws IOException;
    }

    private final Transaction transaction;
    private final List<Check> checks;
    private final List<Modifier> modifiers;
    private final int maxHeaderSize;
    private final Sink sink;
    private final ByteArrayOutputStream header = new ByteArrayOutputStream();
    private HeaderSection headers;
    private boolean headerTooLarge;
    private long size;

    MessageAssembly(Transaction transaction, List<Check> checks, List<Modifier> modifiers, int maxHeaderSize, Sink sink) {
        this.transaction = transaction;
        this.checks = checks;
        this.modifiers = modifiers;
        this.maxHeaderSize = maxHeaderSize;
        this.sink = sink;
    }

    /** Content as the client sent it (decoded: line ends CRLF, no dot-stuffing). */
    public void append(byte[] bytes) throws IOException {
        size += bytes.length;
        if (headers != null) {
            sink.write(bytes, 0, bytes.length);
            return;
        }
        if (headerTooLarge) {
            return; // refused at the end: nothing more is kept
        }
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

    /** The octets the client sent, without what the modifiers added. */
    public long size() {
        return size;
    }

    /**
     * The end of the data: a message without a body is all header section; then the checks, in
     * order. Returns the first refusal, or nothing when the message may be queued. Blocking work
     * is allowed here: the server calls it off the event loop.
     */
    public Optional<Refusal> finish() throws IOException {
        if (headerTooLarge) {
            return Optional.of(Refusal.HEADER_TOO_LARGE);
        }
        if (headers == null) {
            byte[] all = header.toByteArray();
            completeHeader(all, all.length);
        }
        for (Check check : checks) {
            Optional<Refusal> refusal = check.checkMessage(transaction, headers);
            if (refusal.isPresent()) {
                return refusal;
            }
        }
        return Optional.empty();
    }

    /** The header section is all[0, bodyStart): the modifiers' fields go before it. */
    private void completeHeader(byte[] all, int bodyStart) throws IOException {
        headers = HeaderSection.parse(Arrays.copyOf(all, bodyStart));
        header.reset();
        for (Modifier modifier : modifiers) {
            byte[] fields = modifier.fields(transaction, headers).getBytes(StandardCharsets.UTF_8);
            sink.write(fields, 0, fields.length);
        }
        sink.write(all, 0, all.length);
    }

    /** Where the body starts (after the empty line that ends the header section), or -1 when not yet seen. */
    private static int bodyStart(byte[] bytes, int from) {
        if (bytes.length >= 2 && bytes[0] == '\r' && bytes[1] == '\n') {
            return 0; // no header fields at all
        }
        for (int i = from; i + END_OF_HEADER.length <= bytes.length; i++) {
            if (Arrays.equals(bytes, i, i + END_OF_HEADER.length, END_OF_HEADER, 0, END_OF_HEADER.length)) {
                return i + 2; // the header section keeps its last CRLF
            }
        }
        return -1;
    }
}
