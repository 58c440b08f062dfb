package org.mailgate.delivery;

import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.random.RandomGenerator;
import org.mailgate.config.DeliveryConfig;
import org.mailgate.config.MailgateConfig;
import org.mailgate.delivery.tls.MtaSts;
import org.mailgate.delivery.tls.MtaStsCache;
import org.mailgate.delivery.tls.OutboundTls;
import org.mailgate.dns.DnsJavaResolver;
import org.mailgate.dns.Resolver;
import org.mailgate.mail.Mailbox;

/** The three ways out (local mailbox, smart host, MX) and the routing between them. */
final class Transports implements AutoCloseable {
    private final LocalMailboxes mailboxes;
    private final DeliveryConfig.SmartHostConfig smartHostConfig;
    private final ConnectionPool pool;
    private final RemoteDelivery remote;
    private final SmartHostDelivery smartHost;
    private final LocalDelivery local;

    private Transports(LocalMailboxes mailboxes, DeliveryConfig.SmartHostConfig smartHostConfig, ConnectionPool pool,
            RemoteDelivery remote, SmartHostDelivery smartHost, LocalDelivery local) {
        this.mailboxes = mailboxes;
        this.smartHostConfig = smartHostConfig;
        this.pool = pool;
        this.remote = remote;
        this.smartHost = smartHost;
        this.local = local;
    }

    static Transports create(MailgateConfig config, LocalMailboxes mailboxes, ConnectionPool pool, RandomGenerator random,
            Clock clock) throws IOException {
        DeliveryConfig d = config.delivery();
        Resolver dns = DnsJavaResolver.create(d, clock);
        OutboundTls tls = new OutboundTls(d.caFile());
        SessionOpener opener = new SessionOpener(config.hostname(), d.connectTimeout(), d.commandTimeout(), tls);
        MxResolver mx = new MxResolver(dns, random);
        MtaSts mtaSts = new MtaSts(dns, tls, d.mtaStsPort(), d.connectTimeout(), clock,
                new MtaStsCache(config.dataDir().resolve("mta-sts")));
        RemoteDelivery remote = new RemoteDelivery(d, dns, mx, mtaSts, opener, pool);
        SmartHostDelivery smartHost = d.smartHost() == null ? null : new SmartHostDelivery(d.smartHost(), opener, pool);
        LocalDelivery local = new LocalDelivery(mailboxes, new Maildir(config.dataDir().resolve("mailboxes"), config.hostname(), clock),
                d.lmtp(), opener, pool);
        return new Transports(mailboxes, d.smartHost(), pool, remote, smartHost, local);
    }

    Route route(Mailbox recipient) {
        return Route.of(recipient, mailboxes, smartHostConfig);
    }

    List<Outcome> deliver(Route route, MessageTransfer.Message message) {
        return switch (route) {
            case Route.Local l -> local.deliver(message);
            case Route.SmartHost s -> smartHost.deliver(message);
            case Route.Mx mx -> remote.deliver(mx.domain(), message);
        };
    }

    @Override
    public void close() {
        pool.close();
    }
}
