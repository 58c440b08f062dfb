package org.mailgate.smtp;

/**
 * What a session needs to know about its listener.
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

    /** Bare LFs refused, the default. */
    public SessionSettings(String hostname, boolean startTlsOffered, boolean implicitTls, boolean authOffered,
            boolean authRequired, long maxMessageSize, int maxRecipients, int maxErrors, int maxJunkCommands) {
        this(hostname, startTlsOffered, implicitTls, authOffered, authRequired, maxMessageSize, maxRecipients, maxErrors,
                maxJunkCommands, BareLineFeed.REJECT);
    }

    public SessionSettings withBareLineFeed(BareLineFeed replacement) {
        return new SessionSettings(hostname, startTlsOffered, implicitTls, authOffered, authRequired, maxMessageSize,
                maxRecipients, maxErrors, maxJunkCommands, replacement);
    }
}
