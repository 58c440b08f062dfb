package org.mailgate.message;

import java.time.ZoneOffset;

/** RFC 6409 8.2 and 8.3: a submission server may add the Message-ID and Date a client left out. */
public record SubmissionFixups(String hostname) implements Modifier {

    @Override
    public String fields(Transaction t, HeaderSection header) {
        StringBuilder added = new StringBuilder();
        if (!header.has("Message-ID")) {
            added.append("Message-ID: <").append(t.queueId()).append('@').append(hostname).append(">\r\n");
        }
        if (!header.has("Date")) {
            added.append("Date: ").append(Dates.rfc5322(t.arrival().atZone(ZoneOffset.UTC))).append("\r\n");
        }
        return added.toString();
    }
}
