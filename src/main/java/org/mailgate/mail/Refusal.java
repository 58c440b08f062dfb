package org.mailgate.mail;


/**
 * Every way the server says no, and the one place that maps it to an SMTP reply.
 * Code elsewhere returns or throws a Refusal; it never builds reply text itself.
 */
public enum Refusal {
    SYNTAX_ERROR(500, 5, 5, 2, "Syntax error, command unrecognized"),
    LINE_TOO_LONG(500, 5, 5, 2, "Line too long"),
    TEXT_LINE_TOO_LONG(500, 5, 5, 2, "Message refused: text line longer than 998 octets"),
    PARAMETER_SYNTAX(501, 5, 5, 4, "Syntax error in parameters or arguments"),
    ADDRESS_SYNTAX(501, 5, 1, 3, "Bad address syntax"),
    NOT_IMPLEMENTED(502, 5, 5, 1, "Command not implemented"),
    HELLO_FIRST(503, 5, 5, 1, "Send EHLO or HELO first"),
    NESTED_MAIL(503, 5, 5, 1, "Sender already specified"),
    NEED_MAIL(503, 5, 5, 1, "Need MAIL command"),
    NEED_RCPT(503, 5, 5, 1, "Need RCPT command"),
    NO_VALID_RECIPIENTS(554, 5, 5, 1, "No valid recipients"),
    NO_VALID_TRANSACTION(503, 5, 5, 1, "No valid mail transaction in progress"),
    AUTH_NOT_AVAILABLE(503, 5, 5, 1, "Authentication not enabled"),
    ALREADY_AUTHENTICATED(503, 5, 5, 1, "Already authenticated"),
    AUTH_IN_TRANSACTION(503, 5, 5, 1, "AUTH not allowed during a mail transaction"),
    TLS_ALREADY_ACTIVE(503, 5, 5, 1, "TLS already active"),
    TLS_NOT_AVAILABLE(502, 5, 5, 1, "STARTTLS not available"),
    AUTH_MECHANISM_UNKNOWN(504, 5, 5, 4, "Unrecognized authentication mechanism"),
    AUTH_CANCELLED(501, 5, 0, 0, "Authentication cancelled"),
    AUTH_BAD_ENCODING(501, 5, 5, 2, "Invalid base64 data"),
    AUTH_FAILED(535, 5, 7, 8, "Authentication credentials invalid"),
    AUTH_TEMPORARY_FAILURE(454, 4, 7, 0, "Temporary authentication failure"),
    UNSUPPORTED_PARAMETER(555, 5, 5, 4, "Unsupported parameter"),
    TLS_REQUIRED(530, 5, 7, 0, "Must issue a STARTTLS command first"),
    AUTH_REQUIRED(530, 5, 7, 0, "Authentication required"),
    SIZE_EXCEEDED(552, 5, 3, 4, "Message size exceeds fixed maximum message size"),
    HEADER_TOO_LARGE(552, 5, 3, 4, "Message header section exceeds fixed maximum size"),
    TOO_MANY_RECIPIENTS(452, 4, 5, 3, "Too many recipients"),
    SENDER_NOT_OWNED(553, 5, 7, 1, "Sender address rejected: not owned by authenticated user"),
    HEADER_FROM_NOT_OWNED(553, 5, 7, 1, "From header rejected: address not owned by authenticated user"),
    HEADER_SENDER_NOT_OWNED(553, 5, 7, 1, "Sender header rejected: address not owned by authenticated user"),
    HEADER_AMBIGUOUS(554, 5, 6, 0, "Message refused: a header line or From/Sender address that mail programs read differently (RFC 5322 3.4)"),
    SMTPUTF8_REQUIRED(553, 5, 6, 7, "Non-ASCII address requires the SMTPUTF8 parameter"),
    UNKNOWN_USER(550, 5, 1, 1, "Recipient address rejected: user unknown"),
    RELAY_DENIED(554, 5, 7, 1, "Relay access denied"),
    INTERNAL_ADDRESS_LITERAL(550, 5, 7, 1, "Recipient address rejected: address literal names an internal network"),
    BARE_LINE_ENDING(554, 5, 6, 0, "Message refused: bare CR or LF (RFC 5321 2.3.8)"),
    FALSE_END_OF_DATA(554, 5, 6, 0, "Message refused: a line of \".\" next to a bare LF (SMTP smuggling)"),
    NUL_BYTE(554, 5, 6, 0, "Message refused: NUL character"),
    DMARC_REJECTED(550, 5, 7, 1, "Message rejected: it fails the DMARC policy (p=reject) of its From domain"),
    DMARC_QUARANTINED(550, 5, 7, 1, "Message rejected: it fails the DMARC policy (p=quarantine) of its From domain"),
    SPF_FAILED(550, 5, 7, 23, "Message rejected: the sender's SPF record does not allow this server to send for it"),
    LOCAL_DOMAIN_FORGED(550, 5, 7, 1, "Message rejected: its From names a domain of ours, without a valid signature of ours"),
    AUTHENTICATION_DEFERRED(451, 4, 7, 5, "Cannot check the sender's SPF, DKIM or DMARC now (DNS failure): try again later"),
    STORAGE_FAILED(451, 4, 3, 0, "Local error in processing: message not queued"),
    INSUFFICIENT_STORAGE(452, 4, 3, 1, "Insufficient system storage: try again later"),
    SHUTTING_DOWN(421, 4, 3, 2, "Service shutting down, closing transmission channel"),
    TIMEOUT(421, 4, 4, 2, "Timeout exceeded, closing transmission channel"),
    SESSION_TIME_EXCEEDED(421, 4, 4, 2, "Session time limit exceeded, closing transmission channel"),
    TOO_MANY_ERRORS(421, 4, 7, 0, "Too many errors, closing transmission channel"),
    AUTH_LOCKED(454, 4, 7, 0, "Too many failed logins, try again later"),
    MESSAGE_RATE_EXCEEDED(451, 4, 7, 1, "Sending limit reached: too many messages from this account, try again later"),
    RECIPIENT_RATE_EXCEEDED(451, 4, 7, 1, "Sending limit reached: too many recipients from this account, try again later"),
    BANNED(554, 5, 7, 1, "Access denied: too many failed attempts from your address"),
    ACCESS_DENIED(554, 5, 7, 1, "Access denied"),
    TOO_MANY_CONNECTIONS(421, 4, 7, 0, "Too many connections from your address, try again later"),
    CONNECTION_RATE_EXCEEDED(421, 4, 7, 0, "Too many connections from your address in a short time, try again later"),
    SERVER_BUSY(421, 4, 3, 2, "Too many connections, try again later");

    private final Reply reply;

    Refusal(int code, int statusClass, int subject, int detail, String text) {
        this.reply = Reply.of(code, EnhancedStatus.of(statusClass, subject, detail), text);
    }

    public Reply reply() {
        return reply;
    }

}
