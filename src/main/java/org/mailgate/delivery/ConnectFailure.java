package org.mailgate.delivery;

import org.mailgate.mail.Reply;

/** A connection that could not be brought to the point of sending mail, with the reply to record. */
final class ConnectFailure extends Exception {
    private final String remoteMta;
    private final Reply reply;

    ConnectFailure(String remoteMta, Reply reply) {
        super(reply.oneLine());
        this.remoteMta = remoteMta;
        this.reply = reply;
    }

    String remoteMta() {
        return remoteMta;
    }

    Reply reply() {
        return reply;
    }
}
