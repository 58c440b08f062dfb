package org.mailgate.delivery;

import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.random.RandomGenerator;
import org.mailgate.config.DeliveryConfig;
import org.mailgate.config.MailgateConfig;
import org.mailgate.delivery.tls.MtaSts;
import org.mailgate.delivery.tls.MtaStsCache;
import org.mailgate.delivery.tls.MtaStsStore;
import org.mailgate.delivery.tls.OutboundTls;
import org.mailgate.dns.Resolver;
import org.mailgate.mail.Mailbox;

/** The three ways out (local mailbox, smart host, MX) and the routing between them. */
public final class Router implements Transport {
    private final LocalMailboxes mailboxes;
    private final DeliveryConfig.SmartHostConfig smartHostConfig;
    private final ConnectionPool pool;
    private final RemoteDelivery remote;
    private final SmartHostDelivery smartHost;
    private final LocalDelivery local;

    private Router(LocalMailboxes mailboxes, DeliveryConfig.SmartHostConfig smartHostConfig, ConnectionPool pool,
            RemoteDelivery remote, SmartHostDelivery smartHost, LocalDelivery local) {
        this.mailboxes = mailboxes;
        this.smartHostConfig = smartHostConfig;
        this.pool = pool;
        this.remote = remote;
        this.smartHost = smartHost;
        this.local = local;
    }

    /**
     * The real ways out, resolving with {@code dns}; {@code mailboxes} says which recipients are
     * ours and where they go; fetched MTA-STS policies are kept in {@code policies} (the data
     * directory's files, or a database every node shares).
     */
    public static Router create(MailgateConfig config, LocalMailboxes mailboxes, Resolver dns, MtaStsStore policies, Clock clock)
            throws IOException {
        DeliveryConfig d = config.delivery();
        RandomGenerator random = RandomGenerator.getDefault();
        ConnectionPool pool = new ConnectionPool(5_000, d.perDestination(), clock);
        OutboundTls tls = new OutboundTls(d.caFile());
        Dialer dialer = new Dialer(config.hostname(), d.connectTimeout(), d.commandTimeout(), tls);
        MxResolver mx = new MxResolver(dns, random);
        MtaSts mtaSts = new MtaSts(dns, tls, d.mtaStsPort(), d.connectTimeout(), clock, new MtaStsCache(policies));
        RemoteDelivery remote = new RemoteDelivery(d, dns, mx, mtaSts, dialer, pool);
        SmartHostDelivery smartHost = d.smartHost() == null ? null : new SmartHostDelivery(d.smartHost(), dialer, pool);
        LocalDelivery local = new LocalDelivery(mailboxes, new Maildir(config.dataDir().resolve("mailboxes"), config.hostname(), clock),
                d.lmtp(), d.lmtpFolderDetail(), dialer, pool);
        return new Router(mailboxes, d.smartHost(), pool, remote, smartHost, local);
    }

    @Override
    public Route route(Mailbox recipient) {
        return Route.of(recipient, mailboxes, smartHostConfig);
    }

    @Override
    public List<Outcome> deliver(Route route, RoutedMessage message) {
        return switch (route) {
            case Route.Local l -> local.deliver(message);
            case Route.SmartHost s -> smartHost.deliver(message);
            case Route.Mx mx -> remote.deliver(mx.domain(), message);
        };
    }

    @Override
    public void expireIdle() {
        pool.expire();
    }

    @Override
    public void close() {
        pool.close();
    }
}
