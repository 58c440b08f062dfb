package org.mailgate.smtp;

/**
 * What a session needs to know about its listener. Made by kind ({@link #submission},
 * {@link #submissions}, {@link #inbound}) with the default limits, then adjusted with the
 * {@code with} methods.
 *
 * @param startTlsOffered STARTTLS is advertised while the connection is in the clear
 * @param implicitTls the connection is TLS from the first byte (RFC 8314)
 * @param authOffered AUTH is advertised and accepted once TLS is active
 * @param authRequired MAIL is refused until the client authenticates (submission, RFC 6409 4.3)
 * @param maxErrors refused commands after which the session is closed with 421 4.7.0
 * @param maxJunkCommands NOOP, RSET, VRFY, EXPN and HELP commands allowed before each further one counts as an error
 * @param bareLineFeed what a bare LF in message content gets, over DATA and BDAT alike
 */
public record SessionSettings(
        String hostname,
        boolean startTlsOffered,
        boolean implicitTls,
        boolean authOffered,
        boolean authRequired,
        long maxMessageSize,
        int maxRecipients,
        int maxErrors,
        int maxJunkCommands,
        BareLineFeed bareLineFeed) {

    private static final long DEFAULT_MAX_MESSAGE_SIZE = 25L * 1024 * 1024;

    /** RFC 6409 submission (587, 2525): STARTTLS, then AUTH, which MAIL requires. */
    public static SessionSettings submission(String hostname) {
        return new SessionSettings(hostname, true, false, true, true, DEFAULT_MAX_MESSAGE_SIZE, 100, 20, 100, BareLineFeed.REJECT);
    }

    /** RFC 8314 submission over implicit TLS (465): TLS from the first byte, then AUTH. */
    public static SessionSettings submissions(String hostname) {
        return new SessionSettings(hostname, false, true, true, true, DEFAULT_MAX_MESSAGE_SIZE, 100, 20, 100, BareLineFeed.REJECT);
    }

    /** An MX (25): STARTTLS offered, no AUTH. */
    public static SessionSettings inbound(String hostname) {
        return new SessionSettings(hostname, true, false, false, false, DEFAULT_MAX_MESSAGE_SIZE, 100, 20, 100, BareLineFeed.REJECT);
    }

    public SessionSettings withLimits(long messageSize, int recipients, int errors, int junkCommands) {
        return new SessionSettings(hostname, startTlsOffered, implicitTls, authOffered, authRequired, messageSize, recipients, errors,
                junkCommands, bareLineFeed);
    }

    public SessionSettings withBareLineFeed(BareLineFeed replacement) {
        return new SessionSettings(hostname, startTlsOffered, implicitTls, authOffered, authRequired, maxMessageSize,
                maxRecipients, maxErrors, maxJunkCommands, replacement);
    }
}
