package org.mailgate.delivery;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;
import org.mailgate.config.DeliveryConfig;
import org.mailgate.delivery.tls.TlsPolicy;
import org.mailgate.mail.Reply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivery through an upstream submission server: TLS is always required and its certificate
 * verified (implicit TLS, or STARTTLS), then AUTH with the configured credentials. A refused
 * login or a broken TLS defers the mail: the fix is the admin's, not the sender's.
 */
final class SmartHostDelivery {
    private static final Logger log = LoggerFactory.getLogger(SmartHostDelivery.class);
    private static final String KEY = "smarthost";

    private final DeliveryConfig.SmartHostConfig config;
    private final SessionOpener opener;
    private final ConnectionPool pool;

    SmartHostDelivery(DeliveryConfig.SmartHostConfig config, SessionOpener opener, ConnectionPool pool) {
        this.config = config;
        this.opener = opener;
        this.pool = pool;
    }

    List<Outcome> deliver(MessageTransfer.Message message) {
        Reply lastError;
        try {
            Optional<SessionOpener.Session> pooled = pool.take(KEY);
            if (pooled.isPresent()) {
                return Transfers.run(pooled.get(), message, KEY, pool);
            }
            lastError = DeliveryReply.UNREACHABLE.reply("smart host " + config.host() + " has no address");
            for (InetAddress address : InetAddress.getAllByName(config.host())) {
                try {
                    return Transfers.run(open(address), message, KEY, pool);
                } catch (SessionFailure f) {
                    lastError = f.reply();
                }
                log.warn("{}: {}", message.envelope().id(), lastError);
            }
        } catch (UnknownHostException e) {
            lastError = DeliveryReply.DNS_FAILED.reply("smart host " + config.host() + " not found: " + e.getMessage());
        }
        Reply reply = lastError;
        return message.recipients().stream().map(r -> Outcome.deferred(r.address(), config.host(), reply)).toList();
    }

    private SessionOpener.Session open(InetAddress address) throws SessionFailure {
        SessionOpener.Session session = opener.open(config.host(), new InetSocketAddress(address, config.port()),
                new TlsPolicy.Verified("smart host"), config.implicitTls(), false);
        if (config.username() == null) {
            return session;
        }
        try {
            opener.authenticate(session, config.username(), config.password());
            return session;
        } catch (IOException e) {
            session.connection().close();
            throw new SessionFailure(session.connection().peer(), DeliveryReply.CONNECTION_BROKE.reply(session.connection().peer(), e.getMessage()));
        }
    }
}
