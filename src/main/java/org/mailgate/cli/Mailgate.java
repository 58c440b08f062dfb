package org.mailgate.cli;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.mailgate.auth.LiveUserDirectory;
import org.mailgate.auth.LocalDomains;
import org.mailgate.auth.UserFile;
import org.mailgate.config.MailgateConfig;
import org.mailgate.delivery.DeliveryService;
import org.mailgate.delivery.Router;
import org.mailgate.dns.DnsJavaResolver;
import org.mailgate.server.SmtpServer;
import org.mailgate.spool.FileSpool;

/**
 * The one place a whole Mailgate is put together: the spool, the user directory and the local
 * domains, the listeners on them, and delivery (with the real resolver and transports) when the
 * config enables it; and taken apart in the reverse order, so the spool closes last.
 */
public final class Mailgate implements AutoCloseable {
    private final FileSpool spool;
    private final LocalDomains localDomains;
    private final SmtpServer server;
    private final DeliveryService delivery;
    private boolean stopped;

    private Mailgate(FileSpool spool, LocalDomains localDomains, SmtpServer server, DeliveryService delivery) {
        this.spool = spool;
        this.localDomains = localDomains;
        this.server = server;
        this.delivery = delivery;
    }

    /** Opens the data directory of {@code config} and starts serving (and delivering, unless {@code [delivery] enabled = false}). */
    public static Mailgate start(MailgateConfig config, Clock clock) throws IOException {
        FileSpool spool = FileSpool.open(config.dataDir());
        SmtpServer server = null;
        try {
            LiveUserDirectory users = new LiveUserDirectory(new UserFile(config.dataDir()));
            LocalDomains local = new LocalDomains(config.domains(), config.hostname(), config.postmaster(), users);
            server = SmtpServer.start(config, spool, users, local, clock);
            DeliveryService delivery = null;
            if (config.delivery().enabled()) {
                Router router = Router.create(config, new UserMailboxes(local), DnsJavaResolver.create(config.delivery(), clock), clock);
                delivery = DeliveryService.start(config.delivery(), config.hostname(), spool, router, clock);
            }
            return new Mailgate(spool, local, server, delivery);
        } catch (IOException | RuntimeException e) {
            if (server != null) {
                server.shutdown(Duration.ZERO);
            }
            spool.close();
            throw e;
        }
    }

    public SmtpServer server() {
        return server;
    }

    public FileSpool spool() {
        return spool;
    }

    public LocalDomains localDomains() {
        return localDomains;
    }

    /** Empty when the config turned delivery off. */
    public Optional<DeliveryService> delivery() {
        return Optional.ofNullable(delivery);
    }

    /** Delivery stops first (its rounds in flight finish), then the listeners within {@code grace}, then the spool. */
    public synchronized void shutdown(Duration grace) {
        if (stopped) {
            return;
        }
        stopped = true;
        if (delivery != null) {
            delivery.close();
        }
        server.shutdown(grace);
        spool.close();
    }

    @Override
    public void close() {
        shutdown(Duration.ZERO);
    }
}
