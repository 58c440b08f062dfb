package org.mailgate.delivery;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.mailgate.mail.DsnReturn;
import org.mailgate.mail.EnhancedStatus;
import org.mailgate.mail.Reply;
import org.mailgate.spool.RecipientState;
import org.mailgate.spool.SpoolEnvelope;

/**
 * Delivery status notifications (RFC 3464): a multipart/report with a note for people, a
 * message/delivery-status part per recipient (with the remote server's reply), and the original
 * headers, or the whole original when the sender asked for RET=FULL (RFC 3461 4.3).
 */
final class Dsn {
    private static final DateTimeFormatter DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    /** RFC 3464 2.3.3 Action values Mailgate reports. */
    enum Action { FAILED, DELAYED, DELIVERED }

    record Report(SpoolEnvelope.Recipient recipient, RecipientState state) {}

    private Dsn() {}

    static byte[] build(String reportingHost, SpoolEnvelope original, Action action, List<Report> reports,
            InputStream originalContent, Instant now, Instant retryUntil) throws IOException {
        String boundary = original.id() + "." + now.toEpochMilli() + "/" + reportingHost;
        StringBuilder m = new StringBuilder();
        header(m, "From", "Mail Delivery System <MAILER-DAEMON@" + reportingHost + ">");
        header(m, "To", "<" + original.sender().map(Object::toString).orElse("") + ">");
        header(m, "Subject", switch (action) {
            case FAILED -> "Undelivered Mail Returned to Sender";
            case DELAYED -> "Delayed Mail (still being retried)";
            case DELIVERED -> "Successful Mail Delivery Report";
        });
        header(m, "Date", DATE.format(now));
        header(m, "Message-ID", "<" + original.id() + "." + action.name().toLowerCase(Locale.ROOT) + "." + now.toEpochMilli() + "@" + reportingHost + ">");
        // RFC 3834 5: an automatic reply, which no one should answer automatically
        header(m, "Auto-Submitted", "auto-replied");
        header(m, "MIME-Version", "1.0");
        header(m, "Content-Type", "multipart/report; report-type=delivery-status;\r\n\tboundary=\"" + boundary + "\"");
        m.append("\r\nThis is a MIME-encapsulated message.\r\n\r\n--").append(boundary).append("\r\n");
        header(m, "Content-Type", "text/plain; charset=utf-8");
        header(m, "Content-Transfer-Encoding", "8bit");
        m.append("\r\n").append(humanText(reportingHost, action, reports, retryUntil)).append("\r\n--").append(boundary).append("\r\n");
        header(m, "Content-Type", "message/delivery-status");
        m.append("\r\n");
        header(m, "Reporting-MTA", "dns; " + reportingHost);
        original.envelopeId().ifPresent(id -> header(m, "Original-Envelope-Id", xtextDecode(id)));
        header(m, "X-Mailgate-Queue-ID", original.id());
        header(m, "Arrival-Date", DATE.format(original.arrival()));
        for (Report report : reports) {
            m.append("\r\n");
            SpoolEnvelope.Recipient r = report.recipient();
            RecipientState s = report.state();
            r.originalRecipient().ifPresent(orcpt -> {
                int semicolon = orcpt.indexOf(';');
                header(m, "Original-Recipient", orcpt.substring(0, semicolon + 1) + xtextDecode(orcpt.substring(semicolon + 1)));
            });
            header(m, "Final-Recipient", "rfc822; " + r.address());
            header(m, "Action", action.name().toLowerCase(Locale.ROOT));
            header(m, "Status", status(s.lastReply(), action).toString());
            if (!s.remoteMta().isEmpty()) {
                header(m, "Remote-MTA", "dns; " + s.remoteMta().replaceAll("\\[.*$", ""));
            }
            s.lastReply().ifPresent(reply -> header(m, "Diagnostic-Code", "smtp; " + reply.oneLine()));
            if (s.lastAttempt() != null) {
                header(m, "Last-Attempt-Date", DATE.format(s.lastAttempt()));
            }
            if (action == Action.DELAYED && retryUntil != null) {
                header(m, "Will-Retry-Until", DATE.format(retryUntil));
            }
        }
        boolean full = original.ret().equals(Optional.of(DsnReturn.FULL));
        m.append("\r\n--").append(boundary).append("\r\n");
        header(m, "Content-Type", full ? "message/rfc822" : "text/rfc822-headers");
        header(m, "Content-Description", full ? "Undelivered Message" : "Undelivered Message Headers");
        m.append("\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(m.toString().getBytes(StandardCharsets.UTF_8));
        out.writeBytes(full ? originalContent.readAllBytes() : headerSection(originalContent));
        out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static String humanText(String host, Action action, List<Report> reports, Instant retryUntil) {
        StringBuilder t = new StringBuilder("This is the mail system at host " + host + ".\r\n\r\n");
        t.append(switch (action) {
            case FAILED -> "Your message could not be delivered to one or more recipients.\r\nIt is attached below.\r\n";
            case DELAYED -> "Your message has not been delivered yet to one or more recipients.\r\nThe mail system will keep trying"
                    + (retryUntil == null ? "" : " until " + DATE.format(retryUntil)) + "; you need not send it again.\r\n";
            case DELIVERED -> "Your message was delivered to the recipients below, as you asked to be told.\r\n";
        });
        t.append("\r\n");
        for (Report report : reports) {
            t.append("<").append(report.recipient().address()).append(">: ")
                    .append(report.state().lastReply().map(Reply::oneLine).orElse("no reply")).append("\r\n");
        }
        return t.toString();
    }

    /** The enhanced status code of the reply, else the class of its code (RFC 3464 2.3.4); without a reply, the action's. */
    static EnhancedStatus status(Optional<Reply> reply, Action action) {
        return reply.map(Reply::reportedStatus).orElseGet(() -> switch (action) {
            case FAILED -> EnhancedStatus.of(5, 0, 0);
            case DELAYED -> EnhancedStatus.of(4, 0, 0);
            case DELIVERED -> EnhancedStatus.of(2, 0, 0);
        });
    }

    private static byte[] headerSection(InputStream content) throws IOException {
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        int previous = -1;
        int beforePrevious = -1;
        int b;
        while ((b = content.read()) >= 0) {
            header.write(b);
            // the header section ends at the first empty line: CRLF CRLF
            if (b == '\n' && previous == '\r' && beforePrevious == '\n') {
                break;
            }
            beforePrevious = previous;
            previous = b;
        }
        return header.toByteArray();
    }

    private static void header(StringBuilder out, String name, String value) {
        out.append(name).append(": ").append(value).append("\r\n");
    }

    /** RFC 3461 4: "+" followed by two hex digits stands for that octet. */
    static String xtextDecode(String xtext) {
        StringBuilder out = new StringBuilder(xtext.length());
        for (int i = 0; i < xtext.length(); i++) {
            char c = xtext.charAt(i);
            if (c == '+' && i + 2 < xtext.length()) {
                out.append((char) Integer.parseInt(xtext.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
