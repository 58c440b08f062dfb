package org.mailgate.delivery;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import javax.net.ssl.SSLException;
import org.mailgate.delivery.tls.OutboundTls;
import org.mailgate.delivery.tls.TlsPolicy;
import org.mailgate.mail.Reply;
import org.mailgate.smtp.Extensions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a connection to the point where mail can be sent: greeting, EHLO (or LHLO), STARTTLS
 * as the policy demands, EHLO again, and AUTH for a smart host. A required TLS that fails is a
 * failure of this server, never a fallback to plaintext.
 */
final class SessionOpener {
    private static final Logger log = LoggerFactory.getLogger(SessionOpener.class);

    /** A connection ready for MAIL FROM, with what the server offered after TLS. */
    record Session(OutboundConnection connection, Extensions extensions, boolean lmtp) {}

    private final String helo;
    private final Duration connectTimeout;
    private final Duration commandTimeout;
    private final OutboundTls tls;

    SessionOpener(String helo, Duration connectTimeout, Duration commandTimeout, OutboundTls tls) {
        this.helo = helo;
        this.connectTimeout = connectTimeout;
        this.commandTimeout = commandTimeout;
        this.tls = tls;
    }

    Session open(String host, InetSocketAddress address, TlsPolicy policy, boolean implicitTls, boolean lmtp) throws SessionFailure {
        String peer = host + "[" + address.getAddress().getHostAddress() + "]:" + address.getPort();
        try {
            return establish(host, address, policy, implicitTls, lmtp);
        } catch (SSLException e) {
            if (policy.required() || implicitTls) {
                throw new SessionFailure(peer, DeliveryReply.TLS_FAILED.reply(peer, TlsPolicy.describe(policy), e.getMessage()));
            }
            // Opportunistic TLS: a server whose TLS is broken still gets the mail, in plaintext, as
            // it would had it not offered STARTTLS at all (RFC 7435 3).
            log.info("TLS with {} failed ({}); retrying without TLS", peer, e.getMessage());
            try {
                return establish(host, address, new TlsPolicy.Plaintext(), false, lmtp);
            } catch (IOException again) {
                throw new SessionFailure(peer, DeliveryReply.CONNECTION_FAILED.reply(peer, again.getMessage()));
            }
        } catch (IOException e) {
            throw new SessionFailure(peer, DeliveryReply.CONNECTION_FAILED.reply(peer, e.getMessage()));
        }
    }

    private Session establish(String host, InetSocketAddress address, TlsPolicy policy, boolean implicitTls, boolean lmtp)
            throws IOException, SessionFailure {
        OutboundConnection c = OutboundConnection.open(host, address, connectTimeout, commandTimeout);
        try {
            if (implicitTls) {
                c.startTls(tls.setup(policy, host));
            }
            Reply greeting = c.readReply();
            if (greeting.code() != 220) {
                throw refused(c, greeting, "greeting");
            }
            Extensions extensions = hello(c, lmtp);
            if (!implicitTls && !(policy instanceof TlsPolicy.Plaintext)) {
                if (extensions.has("STARTTLS")) {
                    Reply ready = c.command("STARTTLS");
                    if (ready.code() != 220) {
                        if (policy.required()) {
                            throw refused(c, ready, "STARTTLS");
                        }
                    } else {
                        c.startTls(tls.setup(policy, host));
                        // RFC 3207 4.2: forget what was learned before TLS and ask again
                        extensions = hello(c, lmtp);
                    }
                } else if (policy.required()) {
                    c.quit();
                    throw new SessionFailure(c.peer(), DeliveryReply.NO_STARTTLS.reply(c.peer(), TlsPolicy.describe(policy)));
                }
            }
            return new Session(c, extensions, lmtp);
        } catch (IOException | SessionFailure | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private Extensions hello(OutboundConnection c, boolean lmtp) throws IOException, SessionFailure {
        Reply reply = c.command((lmtp ? "LHLO " : "EHLO ") + helo);
        if (reply.code() == 250) {
            return Extensions.parse(reply.lines());
        }
        if (!lmtp && reply.code() >= 500) {
            // RFC 5321 3.2: a server that does not know EHLO still knows HELO
            Reply helloReply = c.command("HELO " + helo);
            if (helloReply.code() == 250) {
                return Extensions.NONE;
            }
            throw refused(c, helloReply, "HELO");
        }
        throw refused(c, reply, lmtp ? "LHLO" : "EHLO");
    }

    /** AUTH PLAIN where offered, else LOGIN (RFC 4954, 4616). */
    void authenticate(Session session, String username, String password) throws IOException, SessionFailure {
        OutboundConnection c = session.connection();
        Extensions extensions = session.extensions();
        Reply reply;
        if (extensions.authMechanisms().contains("PLAIN")) {
            reply = c.command("AUTH PLAIN " + base64("\0" + username + "\0" + password));
        } else if (extensions.authMechanisms().contains("LOGIN")) {
            reply = c.command("AUTH LOGIN");
            if (reply.code() == 334) {
                reply = c.command(base64(username));
            }
            if (reply.code() == 334) {
                reply = c.command(base64(password));
            }
        } else {
            c.quit();
            throw new SessionFailure(c.peer(), DeliveryReply.NO_AUTH_MECHANISM.reply(c.peer(), c.tls().isEmpty() ? " (not before TLS?)" : ""));
        }
        if (reply.code() != 235) {
            c.quit();
            // The smart host refused our credentials: a configuration problem to fix, not a reason to bounce mail.
            throw new SessionFailure(c.peer(), DeliveryReply.LOGIN_REFUSED.reply(c.peer(), reply.oneLine()));
        }
    }

    private static SessionFailure refused(OutboundConnection c, Reply reply, String stage) {
        c.quit();
        return new SessionFailure(c.peer(), reply.annotated(" (" + stage + " at " + c.peer() + ")"));
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
