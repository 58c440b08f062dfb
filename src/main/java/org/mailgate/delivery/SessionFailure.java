package org.mailgate.delivery;

/** A connection that could not be brought to the point of sending mail, with the reply to record. */
final class SessionFailure extends Exception {
    private final String remoteMta;
    private final String reply;

    SessionFailure(String remoteMta, String reply) {
        super(reply);
        this.remoteMta = remoteMta;
        this.reply = reply;
    }

    String remoteMta() {
        return remoteMta;
    }

    String reply() {
        return reply;
    }
}
