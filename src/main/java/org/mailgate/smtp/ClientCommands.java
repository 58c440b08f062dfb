package org.mailgate.smtp;

/**
 * The command lines a client sends for one message, with the parameters of the extensions the
 * server offered: SIZE (RFC 1870), BODY (RFC 6152), SMTPUTF8 (RFC 6531), RET, ENVID, NOTIFY and
 * ORCPT (RFC 3461, only where DSN is offered). Values arrive in their wire forms (xtext for DSN).
 */
public final class ClientCommands {
    private ClientCommands() {}

    /** @param ret "FULL", "HDRS" or empty; @param envelopeId xtext or empty */
    public static String mailFrom(Extensions offered, String sender, long size, boolean eightBit, boolean smtpUtf8,
            String ret, String envelopeId) {
        boolean dsn = offered.has("DSN");
        return "MAIL FROM:<" + sender + ">"
                + (offered.has("SIZE") ? " SIZE=" + size : "")
                + (eightBit ? " BODY=8BITMIME" : "")
                + (smtpUtf8 ? " SMTPUTF8" : "")
                + (dsn && !ret.isEmpty() ? " RET=" + ret : "")
                + (dsn && !envelopeId.isEmpty() ? " ENVID=" + envelopeId : "");
    }

    /** @param notify NOTIFY keywords joined by commas, or empty; @param originalRecipient ORCPT or empty */
    public static String rcptTo(Extensions offered, String recipient, String notify, String originalRecipient) {
        boolean dsn = offered.has("DSN");
        return "RCPT TO:<" + recipient + ">"
                + (dsn && !notify.isEmpty() ? " NOTIFY=" + notify : "")
                + (dsn && !originalRecipient.isEmpty() ? " ORCPT=" + originalRecipient : "");
    }
}
