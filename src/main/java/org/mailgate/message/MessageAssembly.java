package org.mailgate.message;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.mailgate.mail.Refusal;

/**
 * One message through a {@link MessagePipeline}. The header section is held (up to the limit)
 * until its empty line arrives; then room for the signers' fields, the modifiers' fields, the
 * header section and everything after it stream to the sink (the body through the signers too),
 * so memory stays bounded whatever the message's size. At the end of the data, {@link #finish}
 * runs the checks, then writes the signers' fields into the room kept for them.
 */
public final class MessageAssembly {
    private static final byte[] END_OF_HEADER = {'\r', '\n', '\r', '\n'};

    /** Where the content goes (the spool). */
    public interface Sink {
        void write(byte[] bytes, int offset, int length) throws IOException;

        /** Writes over content written before, from {@code position} (0 is the first octet of content). */
        void rewrite(long position, byte[] bytes) throws IOException;

        /** Puts octets in front of all content written (an examiner's fields, known at the end), and the folder it is filed in. */
        void prepend(byte[] bytes, Optional<String> folder) throws IOException;
    }

    /** A signer's message, and where its fields go. */
    private record Started(Signer.Signing signing, long position) {}

    private final Transaction transaction;
    private final List<Check> checks;
    private final List<Modifier> modifiers;
    private final List<Signer> signers;
    private final List<Examiner> examiners;
    private final List<Examiner.Envelope> envelopes;
    private final List<Examiner.Examination> examinations = new ArrayList<>();
    private final int maxHeaderSize;
    private final Sink sink;
    private final List<Started> signings = new ArrayList<>();
    /** The header section so far, while its end is not yet seen (grown by doubling: at most about twice the limit). */
    private byte[] header = new byte[4096];
    private int headerLength;
    private HeaderSection headers;
    private boolean headerTooLarge;
    private long size;

    MessageAssembly(Transaction transaction, List<Check> checks, List<Modifier> modifiers, List<Signer> signers, List<Examiner> examiners,
            List<Examiner.Envelope> envelopes, int maxHeaderSize, Sink sink) {
        this.transaction = transaction;
        this.checks = checks;
        this.modifiers = modifiers;
        this.signers = signers;
        this.examiners = examiners;
        this.envelopes = envelopes;
        this.maxHeaderSize = maxHeaderSize;
        this.sink = sink;
    }

    /** Content as the client sent it (decoded: line ends CRLF, no dot-stuffing). */
    public void append(byte[] bytes) throws IOException {
        size += bytes.length;
        if (headers != null) {
            sink.write(bytes, 0, bytes.length);
            for (Started started : signings) {
                started.signing().body(bytes, 0, bytes.length);
            }
            for (Examiner.Examination examination : examinations) {
                examination.body(bytes, 0, bytes.length);
            }
            return;
        }
        if (headerTooLarge) {
            return; // refused at the end: nothing more is kept
        }
        // Only the new octets (and the 3 before them, for an empty line split across appends) are
        // searched: a header section sent a line at a time costs its length, not its length squared.
        int searchFrom = Math.max(0, headerLength - 3);
        if (headerLength + bytes.length > header.length) {
            header = Arrays.copyOf(header, Math.max(header.length * 2, headerLength + bytes.length));
        }
        System.arraycopy(bytes, 0, header, headerLength, bytes.length);
        headerLength += bytes.length;
        int bodyStart = bodyStart(header, headerLength, searchFrom);
        if (bodyStart >= 0) {
            completeHeader(bodyStart);
        } else if (headerLength > maxHeaderSize) {
            headerTooLarge = true;
            header = null;
        }
    }

    /** The octets the client sent, without what the modifiers and signers added. */
    public long size() {
        return size;
    }

    /**
     * The end of the data: a message without a body is all header section; then the checks, in
     * order; then the signers' fields. Returns the first refusal, or nothing when the message may
     * be queued. Blocking work is allowed here: the server calls it off the event loop.
     */
    public Optional<Refusal> finish() throws IOException {
        if (headerTooLarge) {
            return Optional.of(Refusal.HEADER_TOO_LARGE);
        }
        if (headers == null) {
            completeHeader(headerLength);
        }
        for (Check check : checks) {
            Optional<Refusal> refusal = check.checkMessage(transaction, headers);
            if (refusal.isPresent()) {
                return refusal;
            }
        }
        for (Started started : signings) {
            byte[] fields = started.signing().fields();
            if (fields.length != started.signing().length()) {
                throw new IllegalStateException("a signer gave " + fields.length + " octets for the " + started.signing().length() + " it kept");
            }
            sink.rewrite(started.position(), fields);
        }
        ByteArrayOutputStream added = new ByteArrayOutputStream();
        Optional<String> folder = Optional.empty();
        for (Examiner.Examination examination : examinations) {
            switch (examination.finish()) {
                case Examiner.Verdict.Refuse refuse -> {
                    return Optional.of(refuse.refusal());
                }
                case Examiner.Verdict.Accept accept -> {
                    added.writeBytes(accept.fields().getBytes(StandardCharsets.UTF_8));
                    folder = accept.folder().isPresent() ? accept.folder() : folder;
                }
            }
        }
        if (added.size() > 0 || folder.isPresent()) {
            sink.prepend(added.toByteArray(), folder);
        }
        return Optional.empty();
    }

    /**
     * The header section is header[0, bodyStart): room for the signers' fields goes first, then
     * the modifiers' fields, then all that was held (the body's first octets with it).
     */
    private void completeHeader(int bodyStart) throws IOException {
        byte[] received = Arrays.copyOf(header, bodyStart);
        for (Examiner.Envelope envelope : envelopes) {
            examinations.add(envelope.start(transaction, received));
        }
        if (!examiners.isEmpty()) {
            byte[] kept = withoutRemoved(received);
            if (kept.length != bodyStart) {
                byte[] rest = Arrays.copyOfRange(header, bodyStart, headerLength);
                header = new byte[kept.length + rest.length];
                System.arraycopy(kept, 0, header, 0, kept.length);
                System.arraycopy(rest, 0, header, kept.length, rest.length);
                headerLength = header.length;
                bodyStart = kept.length;
            }
        }
        headers = HeaderSection.parse(Arrays.copyOf(header, bodyStart));
        ByteArrayOutputStream fields = new ByteArrayOutputStream();
        for (Modifier modifier : modifiers) {
            fields.writeBytes(modifier.fields(transaction, headers).getBytes(StandardCharsets.UTF_8));
        }
        int added = fields.size();
        fields.write(header, 0, bodyStart);
        byte[] section = fields.toByteArray();
        long position = 0;
        for (Signer signer : signers) {
            Optional<Signer.Signing> signing = signer.start(transaction, headers, section);
            if (signing.isPresent()) {
                signings.add(new Started(signing.get(), position));
                position += signing.get().length();
            }
        }
        byte[] room = new byte[(int) position];
        Arrays.fill(room, (byte) ' ');
        sink.write(room, 0, room.length);
        sink.write(section, 0, added);
        sink.write(header, 0, headerLength);
        int bodyFrom = Math.min(headerLength, bodyStart + 2); // past the empty line, when there is one
        for (Started started : signings) {
            started.signing().body(header, bodyFrom, headerLength - bodyFrom);
        }
        for (Examiner.Examination examination : examinations) {
            examination.body(header, bodyFrom, headerLength - bodyFrom);
        }
        header = null;
    }

    /** The header section without the fields an examiner removes; folded lines go with their field. */
    private byte[] withoutRemoved(byte[] section) {
        ByteArrayOutputStream kept = new ByteArrayOutputStream(section.length);
        int start = 0;
        for (int i = 0; i <= section.length; i++) {
            boolean fieldEnds = i == section.length
                    || i >= 2 && section[i - 2] == '\r' && section[i - 1] == '\n' && section[i] != ' ' && section[i] != '\t';
            if (fieldEnds && i > start) {
                String field = new String(section, start, i - start, StandardCharsets.UTF_8);
                int colon = field.indexOf(':');
                String name = colon > 0 ? field.substring(0, colon).strip() : "";
                String value = colon > 0 ? field.substring(colon + 1).replace("\r\n", "").strip() : "";
                if (colon <= 0 || examiners.stream().noneMatch(e -> e.removes(name, value))) {
                    kept.write(section, start, i - start);
                }
                start = i;
            }
        }
        return kept.toByteArray();
    }

    /** Where the body starts (after the empty line that ends the header section), or -1 when not yet seen. */
    private static int bodyStart(byte[] bytes, int length, int from) {
        if (length >= 2 && bytes[0] == '\r' && bytes[1] == '\n') {
            return 0; // no header fields at all
        }
        for (int i = from; i + END_OF_HEADER.length <= length; i++) {
            if (Arrays.equals(bytes, i, i + END_OF_HEADER.length, END_OF_HEADER, 0, END_OF_HEADER.length)) {
                return i + 2; // the header section keeps its last CRLF
            }
        }
        return -1;
    }
}
