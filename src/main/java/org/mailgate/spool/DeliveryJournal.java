package org.mailgate.spool;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.mailgate.mail.Mailbox;
import org.mailgate.mail.Reply;

/**
 * The text form of {@link QueueEvent}s, the only place it is known: one line each, "kind TAB time [TAB field]...". Replies
 * from remote servers are arbitrary text: control characters become spaces so a line stays a line.
 */
public final class DeliveryJournal {
    private DeliveryJournal() {}

    public static byte[] encode(List<QueueEvent> events) {
        StringBuilder out = new StringBuilder();
        for (QueueEvent event : events) {
            out.append(switch (event) {
                case QueueEvent.Attempted a -> "attempt\t" + a.at() + "\t" + clean(a.recipient().toString()) + "\t" + a.status()
                        + "\t" + clean(a.remoteMta()) + "\t" + clean(a.reply().oneLine());
                case QueueEvent.Reported r -> "reported\t" + r.at() + "\t" + clean(r.recipient().toString());
                case QueueEvent.Scheduled s -> "next\t" + s.at() + "\t" + s.next() + "\t" + s.roundStart();
                case QueueEvent.Held h -> "hold\t" + h.at();
                case QueueEvent.Released r -> "release\t" + r.at();
                case QueueEvent.RetryNow r -> "retry\t" + r.at();
                case QueueEvent.BounceRequested b -> "bounce\t" + b.at();
                case QueueEvent.DelayWarned w -> "warned\t" + w.at();
            }).append('\n');
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Decodes the journal; a line that does not parse (a write torn by a crash) is skipped. */
    public static List<QueueEvent> decode(byte[] bytes) {
        List<QueueEvent> events = new ArrayList<>();
        String text = new String(bytes, StandardCharsets.UTF_8);
        int end = text.lastIndexOf('\n');
        for (String line : text.substring(0, end + 1).split("\n")) {
            String[] f = line.split("\t", -1);
            try {
                Instant at = Instant.parse(f[1]);
                QueueEvent event = switch (f[0]) {
                    case "attempt" -> f.length == 6
                            ? new QueueEvent.Attempted(at, Mailbox.stored(f[2]), RecipientState.Status.valueOf(f[3]), f[4], Reply.parseLine(f[5])) : null;
                    case "reported" -> f.length == 3 ? new QueueEvent.Reported(at, Mailbox.stored(f[2])) : null;
                    case "next" -> f.length == 4 ? new QueueEvent.Scheduled(at, Instant.parse(f[2]), Instant.parse(f[3])) : null;
                    case "hold" -> new QueueEvent.Held(at);
                    case "release" -> new QueueEvent.Released(at);
                    case "retry" -> new QueueEvent.RetryNow(at);
                    case "bounce" -> new QueueEvent.BounceRequested(at);
                    case "warned" -> new QueueEvent.DelayWarned(at);
                    default -> null;
                };
                if (event != null) {
                    events.add(event);
                }
            } catch (ArrayIndexOutOfBoundsException | DateTimeParseException | IllegalArgumentException torn) {
                // a line cut short by a crash: the event never happened as far as replay goes
            }
        }
        return events;
    }

    private static String clean(String value) {
        StringBuilder out = new StringBuilder(value.length());
        value.codePoints().forEach(c -> out.appendCodePoint(c < 0x20 || c == 0x7f ? ' ' : c));
        return out.toString();
    }
}
