package org.mailgate.delivery;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;
import org.mailgate.config.DeliveryConfig;
import org.mailgate.delivery.tls.TlsPolicy;
import org.mailgate.mail.Reply;
import org.mailgate.smtp.ClientDialogue;
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
    private final Dialer dialer;
    private final ConnectionPool pool;

    SmartHostDelivery(DeliveryConfig.SmartHostConfig config, Dialer dialer, ConnectionPool pool) {
        this.config = config;
        this.dialer = dialer;
        this.pool = pool;
    }

    List<Outcome> deliver(RoutedMessage message) {
        Reply lastError;
        try {
            Optional<Conversation> pooled = pool.take(KEY);
            if (pooled.isPresent()) {
                return pool.deliver(KEY, Dialer.reused(message.envelope().id(), pooled.get()), message);
            }
            lastError = DeliveryReply.UNREACHABLE.reply("smart host " + config.host() + " has no address");
            for (InetAddress address : InetAddress.getAllByName(config.host())) {
                try {
                    return pool.deliver(KEY, open(message.envelope().id(), address), message);
                } catch (ConnectFailure f) {
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

    private Conversation open(String id, InetAddress address) throws ConnectFailure {
        Optional<ClientDialogue.Login> login = Optional.ofNullable(config.username())
                .map(user -> new ClientDialogue.Login(user, config.password()));
        return dialer.dial(id, config.host(), new InetSocketAddress(address, config.port()), new TlsPolicy.Verified("smart host"),
                config.implicitTls(), false, login);
    }
}
