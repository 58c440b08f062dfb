package org.mailgate.server;

import java.net.InetAddress;
import org.mailgate.config.ListenerKind;

/**
 * What names one connection in the log, so that its lines (connect, login, refusals, each
 * message queued) can be found together: "session=ID client=ADDRESS".
 *
 * @param id the connection's id, unique among those open (Netty's short channel id)
 * @param client the client's address (the proxied one behind a PROXY protocol header)
 * @param port the port of the listener it came in on
 * @param kind that listener's kind
 */
record SessionTag(String id, InetAddress client, int port, ListenerKind kind) {

    @Override
    public String toString() {
        return "session=" + id + " client=" + client.getHostAddress();
    }
}
