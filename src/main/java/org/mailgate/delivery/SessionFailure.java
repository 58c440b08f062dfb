package org.mailgate.delivery;

/** A connection that could not be brought to the point of sending mail, with the reply to record. */
final class SessionFailure extends Exception {
    private final String remoteMta;
    private final String reply;
    private final boolean permanent;

    SessionFailure(String remoteMta, String reply, boolean permanent) {
        super(reply);
        this.remoteMta = remoteMta;
        this.reply = reply;
        this.permanent = permanent;
    }

    String remoteMta() {
        return remoteMta;
    }

    String reply() {
        return reply;
    }

    /** The server refused us for good (5xx greeting or EHLO), not a network or TLS problem. */
    boolean permanent() {
        return permanent;
    }
}
