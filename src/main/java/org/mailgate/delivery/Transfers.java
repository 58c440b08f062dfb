package org.mailgate.delivery;

import java.io.IOException;
import java.util.List;

/** Runs one transfer on a session and gives the session back to the pool when it is still good. */
final class Transfers {
    private Transfers() {}

    static List<Outcome> run(SessionOpener.Session session, MessageTransfer.Message message, String key, ConnectionPool pool) {
        try {
            List<Outcome> outcomes = MessageTransfer.send(session, message);
            pool.give(key, session);
            return outcomes;
        } catch (IOException e) {
            session.connection().close();
            // The server may have taken some recipients before the connection broke, but it never
            // confirmed the data: all stay pending, and the retry sends them again (at least once).
            String reply = "451 4.4.2 connection to " + session.connection().peer() + " broke: " + e.getMessage();
            return message.recipients().stream().map(r -> Outcome.deferred(r.address(), session.connection().peer(), reply)).toList();
        }
    }
}
