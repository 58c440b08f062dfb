package org.mailgate.spool;

import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.function.Function;

/** The header fields the server adds to a message: our Received field, and on submission the missing Message-ID and Date. */
public final class HeaderFields {
    // RFC 5322 3.3 date-time with a numeric zone.
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ENGLISH);

    private HeaderFields() {}

    /** RFC 5321 4.4 trace field, folded. */
    public static byte[] received(SpoolEnvelope envelope, String hostname) {
        StringBuilder field = new StringBuilder("Received: from ").append(envelope.helo())
                .append(" (").append(envelope.clientAddress().orElse("")).append(")\r\n\tby ").append(hostname)
                .append(" (Mailgate) with ").append(envelope.protocol()).append(" id ").append(envelope.id());
        if (envelope.recipients().size() == 1) {
            field.append("\r\n\tfor <").append(envelope.recipients().get(0).address()).append('>');
        }
        field.append("; ").append(date(envelope.arrival().atZone(ZoneOffset.UTC))).append("\r\n");
        return field.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** RFC 6409 8.2 and 8.3: a submission server may add the Date and Message-ID a client left out. */
    public static Function<HeaderSection, String> submissionAdditions(SpoolEnvelope envelope, String hostname) {
        return headers -> {
            StringBuilder added = new StringBuilder();
            if (!headers.has("Message-ID")) {
                added.append("Message-ID: <").append(envelope.id()).append('@').append(hostname).append(">\r\n");
            }
            if (!headers.has("Date")) {
                added.append("Date: ").append(date(envelope.arrival().atZone(ZoneOffset.UTC))).append("\r\n");
            }
            return added.toString();
        };
    }

    public static Function<HeaderSection, String> none() {
        return headers -> "";
    }

    private static String date(ZonedDateTime time) {
        return DATE.format(time);
    }
}
