package org.mailgate.message;

import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Locale;

/**
 * RFC 6409 8.2 and 8.3: a submission server may add the Message-ID and Date a client left out;
 * but not a field an existing DKIM signature names (its h= covers the field's absence, RFC 6376
 * 5.4: adding one would break a signature the client's own signer made).
 */
public record SubmissionFixups(String hostname) implements Modifier {

    @Override
    public String fields(Transaction t, HeaderSection header) {
        StringBuilder added = new StringBuilder();
        if (!header.has("Message-ID") && !signed(header, "message-id")) {
            added.append("Message-ID: <").append(t.queueId()).append('@').append(hostname).append(">\r\n");
        }
        if (!header.has("Date") && !signed(header, "date")) {
            added.append("Date: ").append(Dates.rfc5322(t.arrival().atZone(ZoneOffset.UTC))).append("\r\n");
        }
        return added.toString();
    }

    /** Whether the h= tag of some DKIM-Signature of the message names {@code name}. */
    private static boolean signed(HeaderSection header, String name) {
        return header.values("DKIM-Signature").stream()
                .flatMap(value -> Arrays.stream(value.split(";")))
                .map(String::strip)
                .filter(tag -> tag.startsWith("h="))
                .flatMap(tag -> Arrays.stream(tag.substring(2).split(":")))
                .anyMatch(field -> field.strip().toLowerCase(Locale.ROOT).equals(name));
    }
}
