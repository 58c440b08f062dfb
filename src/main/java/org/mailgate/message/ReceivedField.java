package org.mailgate.message;

import java.time.ZoneOffset;

/** RFC 5321 4.4: the trace field every message gets from us, first in its header, folded. */
public record ReceivedField(String hostname) implements Modifier {

    @Override
    public String fields(Transaction t, HeaderSection header) {
        StringBuilder field = new StringBuilder("Received: from ").append(t.client().helo())
                .append(" (").append(t.client().address()).append(")\r\n\tby ").append(hostname)
                .append(" (Mailgate) with ").append(t.protocol()).append(" id ").append(t.queueId());
        if (t.recipients().size() == 1) {
            field.append("\r\n\tfor <").append(t.recipients().get(0)).append('>');
        }
        return field.append("; ").append(Dates.rfc5322(t.arrival().atZone(ZoneOffset.UTC))).append("\r\n").toString();
    }
}
