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
            String peer = session.connection().peer();
            return message.recipients().stream().map(r -> DeliveryReply.CONNECTION_BROKE.to(r.address(), peer, peer, e.getMessage())).toList();
        }
    }
}
