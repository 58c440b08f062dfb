package org.mailgate.smtp;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.mailgate.mail.Refusal;

/**
 * One RFC 4954 AUTH exchange for the PLAIN (RFC 4616) and LOGIN mechanisms: consumes the
 * client's base64 responses and yields the credentials, or the next challenge.
 */
final class SaslExchange {
    static final String MECHANISMS = "PLAIN LOGIN";

    sealed interface Step {}

    record Challenge(String base64) implements Step {}

    record Credentials(String username, String password) implements Step {}

    private final String mechanism;
    private String loginUsername;

    private SaslExchange(String mechanism) {
        this.mechanism = mechanism;
    }

    static SaslExchange start(String mechanism) {
        if (!mechanism.equals("PLAIN") && !mechanism.equals("LOGIN")) {
            throw new RefusalException(Refusal.AUTH_MECHANISM_UNKNOWN);
        }
        return new SaslExchange(mechanism);
    }

    /** The first step: with an initial response (RFC 4954 4), or the first challenge. */
    Step begin(String initialResponse) {
        if (initialResponse != null) {
            return respond(initialResponse);
        }
        return mechanism.equals("PLAIN") ? new Challenge("") : new Challenge(encode("Username:"));
    }

    Step respond(String response) {
        if (response.equals("*")) {
            throw new RefusalException(Refusal.AUTH_CANCELLED);
        }
        String decoded = decode(response);
        if (mechanism.equals("PLAIN")) {
            return plain(decoded);
        }
        if (loginUsername == null) {
            loginUsername = decoded;
            return new Challenge(encode("Password:"));
        }
        return new Credentials(loginUsername, decoded);
    }

    /** RFC 4616 2: [authzid] NUL authcid NUL passwd; we do not let one user act as another. */
    private static Step plain(String message) {
        String[] parts = message.split("\0", -1);
        if (parts.length != 3 || parts[1].isEmpty() || !parts[0].isEmpty() && !parts[0].equals(parts[1])) {
            throw new RefusalException(Refusal.AUTH_FAILED);
        }
        return new Credentials(parts[1], parts[2]);
    }

    private static String decode(String base64) {
        if (base64.equals("=")) {
            return "";
        }
        try {
            byte[] bytes = Base64.getDecoder().decode(base64);
            return Utf8.decode(bytes, 0, bytes.length).orElseThrow(() -> new RefusalException(Refusal.AUTH_BAD_ENCODING));
        } catch (IllegalArgumentException malformed) {
            throw new RefusalException(Refusal.AUTH_BAD_ENCODING);
        }
    }

    private static String encode(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
    }
}
