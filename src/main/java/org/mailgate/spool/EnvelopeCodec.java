package org.mailgate.spool;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.mailgate.mail.BodyType;
import org.mailgate.mail.DsnReturn;
import org.mailgate.mail.Mailbox;
import org.mailgate.mail.Notify;

/**
 * The envelope block at the head of a queue file, the only place its text form is known: "MAILGATE-QUEUE 1", then one "key TAB value"
 * line per field (a "rcpt" line per recipient), then an empty line; the message follows.
 * The database spool keeps the same block in its envelope column.
 * Values never hold TAB, CR or LF: the SMTP grammar forbids them in every field kept here.
 */
public final class EnvelopeCodec {
    static final String MAGIC = "MAILGATE-QUEUE 1";

    private EnvelopeCodec() {}

    public static byte[] encode(SpoolEnvelope e) {
        StringBuilder out = new StringBuilder(MAGIC).append('\n');
        line(out, "id", e.id());
        line(out, "arrival", e.arrival().toString());
        line(out, "client", e.clientAddress().orElse(""));
        line(out, "helo", e.helo());
        line(out, "auth", e.authenticatedUser().orElse(""));
        line(out, "protocol", e.protocol());
        line(out, "sender", e.sender().map(Mailbox::toString).orElse(""));
        line(out, "body", e.body().keyword());
        line(out, "smtputf8", Boolean.toString(e.smtpUtf8()));
        line(out, "ret", e.ret().map(DsnReturn::keyword).orElse(""));
        line(out, "envid", e.envelopeId().orElse(""));
        // written only when set, so queue files of before (and most of now) keep their bytes
        e.folder().ifPresent(folder -> line(out, "folder", folder));
        for (SpoolEnvelope.Recipient r : e.recipients()) {
            out.append("rcpt\t").append(clean(r.address().toString())).append('\t').append(clean(Notify.keywords(r.notifyOn())))
                    .append('\t').append(clean(r.originalRecipient().orElse(""))).append('\n');
        }
        return out.append('\n').toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Decodes the envelope block; returns it with the offset where the message starts. */
    public static Decoded decode(byte[] head, String source) throws IOException {
        if (indexOf(head, MAGIC + "\n") != 0) {
            throw new IOException(source + ": not a Mailgate queue file");
        }
        int end = indexOf(head, "\n\n");
        if (end < 0) {
            throw new IOException(source + ": envelope block not terminated");
        }
        String[] lines = new String(head, 0, end, StandardCharsets.UTF_8).split("\n");
        Map<String, String> fields = new HashMap<>();
        List<SpoolEnvelope.Recipient> recipients = new ArrayList<>();
        try {
            for (int i = 1; i < lines.length; i++) {
                String[] parts = lines[i].split("\t", -1);
                if (parts[0].equals("rcpt") && parts.length == 4) {
                    recipients.add(new SpoolEnvelope.Recipient(Mailbox.stored(parts[1]), Notify.parse(parts[2]), present(parts[3])));
                } else if (parts.length == 2) {
                    fields.put(parts[0], parts[1]);
                } else {
                    throw new IOException(source + ": malformed envelope line " + (i + 1));
                }
            }
            String body = fields.getOrDefault("body", "7BIT");
            SpoolEnvelope envelope = new SpoolEnvelope(fields.getOrDefault("id", ""),
                    Instant.parse(fields.getOrDefault("arrival", "")), present(fields.getOrDefault("client", "")),
                    fields.getOrDefault("helo", ""), present(fields.getOrDefault("auth", "")),
                    fields.getOrDefault("protocol", ""), present(fields.getOrDefault("sender", "")).map(Mailbox::stored),
                    BodyType.of(body).orElseThrow(() -> new IOException(source + ": unknown body type " + body)),
                    Boolean.parseBoolean(fields.get("smtputf8")),
                    present(fields.getOrDefault("ret", "")).flatMap(DsnReturn::of), present(fields.getOrDefault("envid", "")), recipients,
                    present(fields.getOrDefault("folder", "")));
            return new Decoded(envelope, end + 2);
        } catch (DateTimeParseException e) {
            throw new IOException(source + ": bad arrival time", e);
        } catch (IllegalArgumentException e) {
            throw new IOException(source + ": " + e.getMessage(), e);
        }
    }

    /** The text form writes an absent value as nothing. */
    private static Optional<String> present(String value) {
        return value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    public record Decoded(SpoolEnvelope envelope, int contentOffset) {}

    private static void line(StringBuilder out, String key, String value) {
        out.append(key).append('\t').append(clean(value)).append('\n');
    }

    private static String clean(String value) {
        if (value == null) {
            return "";
        }
        if (value.indexOf('\t') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("envelope value with TAB, CR or LF: " + value);
        }
        return value;
    }

    private static int indexOf(byte[] bytes, String pattern) {
        byte[] p = pattern.getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i + p.length <= bytes.length; i++) {
            for (int j = 0; j < p.length; j++) {
                if (bytes[i + j] != p[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
