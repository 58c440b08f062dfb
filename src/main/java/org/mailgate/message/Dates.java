package org.mailgate.message;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** RFC 5322 3.3 date-time, with a numeric zone. */
final class Dates {
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ENGLISH);

    private Dates() {}

    static String rfc5322(ZonedDateTime time) {
        return DATE.format(time);
    }
}
