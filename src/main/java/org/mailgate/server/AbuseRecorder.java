package org.mailgate.server;

import java.net.InetAddress;
import org.mailgate.mail.Refusal;
import org.mailgate.policy.AutoBan;

/**
 * What a refused command says about the client: relay attempts and probes for recipients by
 * clients that did not log in count toward an automatic ban; a user who reaches a sending limit is logged (once per window).
 */
final class AbuseRecorder {
    private final AutoBan autoBan;
    private final RefusalLog refusals;

    AbuseRecorder(AutoBan autoBan, RefusalLog refusals) {
        this.autoBan = autoBan;
        this.refusals = refusals;
    }

    /** @param user the account the client logged in to, or null */
    void refused(Refusal refusal, InetAddress client, String user) {
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
