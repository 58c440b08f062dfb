package org.mailgate.server;

import java.net.InetAddress;
import org.mailgate.auth.ClientKey;
import org.mailgate.mail.Refusal;
import org.mailgate.policy.AutoBan;

/**
 * A refused command: one log line (like Postfix's "NOQUEUE: reject: RCPT from ..."), once per
 * client and reason within the ban window so a flood cannot fill the disk; relay attempts and
 * probes for recipients by clients that did not log in count toward an automatic ban; a user who reaches a sending limit is logged (once per window).
 */
final class AbuseRecorder {
    private final AutoBan autoBan;
    private final RefusalLog refusals;
    private final ServerMetrics metrics;

    AbuseRecorder(AutoBan autoBan, RefusalLog refusals, ServerMetrics metrics) {
        this.autoBan = autoBan;
        this.refusals = refusals;
        this.metrics = metrics;
    }

    /**
     * @param command what was refused, as a log may show it
     * @param session the connection it was refused on
     * @param user the account the client logged in to, or null
     */
    void refused(Refusal refusal, String command, SessionTag session, String user) {
        InetAddress client = session.client();
        metrics.refused(refusal);
        refusals.refused(ClientKey.of(client), refusal.name(), "session=" + session.id() + " port=" + session.port()
                + " user=" + (user == null ? "-" : user) + " reject: " + command + ": " + refusal.reply().oneLine());
        switch (refusal) {
            case RELAY_DENIED -> autoBan.record(client, AutoBan.Offence.RELAY_ATTEMPT);
            case UNKNOWN_USER -> {
                // a logged-in user's typo is no probe: a ban would shut out the whole office behind that address
                if (user == null) {
                    autoBan.record(client, AutoBan.Offence.UNKNOWN_RECIPIENT);
                }
            }
            case MESSAGE_RATE_EXCEEDED, RECIPIENT_RATE_EXCEEDED ->
                    refusals.refused(client.getHostAddress(), "user=" + user + " reached a sending limit: " + refusal);
            default -> { }
        }
    }
}
