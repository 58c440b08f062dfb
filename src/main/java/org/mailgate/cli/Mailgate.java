package org.mailgate.cli;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.mailgate.auth.LiveUserDirectory;
import org.mailgate.auth.LocalDomains;
import org.mailgate.auth.UserFile;
import org.mailgate.config.DkimConfig;
import org.mailgate.config.MailauthConfig;
import org.mailgate.config.MailgateConfig;
import org.mailgate.delivery.DeliveryService;
import org.mailgate.delivery.Router;
import org.mailgate.dns.DnsJavaResolver;
import org.mailgate.mailauth.InboundExaminer;
import org.mailgate.message.Examiner;
import org.mailgate.mailauth.MailAuthentication;
import org.mailgate.server.PipelineSteps;
import org.mailgate.mailauth.DkimKeyRing;
import org.mailgate.mailauth.DkimKeyStore;
import org.mailgate.mailauth.DkimSigner;
import org.mailgate.message.Signer;
import org.mailgate.server.SmtpServer;
import org.mailgate.spool.FileSpool;

/**
 * The one place a whole Mailgate is put together: the spool, the user directory and the local
 * domains, the DKIM keys (watched for changes), the listeners on them, and delivery (with the real resolver and transports) when the
 * config enables it; and taken apart in the reverse order, so the spool closes last.
 */
public final class Mailgate implements AutoCloseable {
    private final FileSpool spool;
    private final LocalDomains localDomains;
    private final SmtpServer server;
    private final DeliveryService delivery;
    private final ScheduledExecutorService keyWatch;
    private boolean stopped;

    private Mailgate(FileSpool spool, LocalDomains localDomains, SmtpServer server, DeliveryService delivery, ScheduledExecutorService keyWatch) {
        this.keyWatch = keyWatch;
        this.spool = spool;
        this.localDomains = localDomains;
        this.server = server;
        this.delivery = delivery;
    }

    /** What the inbound checks' findings lead to, as [mailauth] sets them. */
    private static InboundExaminer.Actions actions(MailauthConfig mailauth) {
        return new InboundExaminer.Actions(action(mailauth.dmarcReject()), action(mailauth.dmarcQuarantine()), action(mailauth.localForgery()),
                action(mailauth.spfFail()), mailauth.arcTrustedSealers());
    }

    private static InboundExaminer.Action action(MailauthConfig.Action action) {
        return switch (action) {
            case REFUSE -> InboundExaminer.Action.REFUSE;
            case JUNK -> InboundExaminer.Action.JUNK;
            case ACCEPT -> InboundExaminer.Action.ACCEPT;
        };
    }

    /** Opens the data directory of {@code config} and starts serving (and delivering, unless {@code [delivery] enabled = false}). */
    public static Mailgate start(MailgateConfig config, Clock clock) throws IOException {
        FileSpool spool = FileSpool.open(config.dataDir());
        SmtpServer server = null;
        ScheduledExecutorService keyWatch = null;
        try {
            DkimKeyRing keys = new DkimKeyRing(new DkimKeyStore(config.dataDir()));
            keyWatch = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("dkim-keys").factory());
            keyWatch.scheduleWithFixedDelay(keys::refresh, 1, 1, TimeUnit.SECONDS);
            LiveUserDirectory users = new LiveUserDirectory(new UserFile(config.dataDir()));
            LocalDomains local = new LocalDomains(config.domains(), config.hostname(), config.postmaster(), users);
            // one resolver, one TTL cache: delivery's lookups and the inbound checks share it
            DnsJavaResolver resolver = DnsJavaResolver.create(config.delivery(), clock);
            MailauthConfig mailauth = config.mailauth();
            List<Examiner> examiners = mailauth.verify()
                    ? List.of(new InboundExaminer(new MailAuthentication(resolver, config.hostname(), clock, mailauth.arc()),
                            mailauth.authservId(config.hostname()), local::isLocal, actions(mailauth)))
                    : List.of();
            server = SmtpServer.start(config, spool, users, local, new PipelineSteps(signers(config, keys, clock), examiners), clock);
            DeliveryService delivery = null;
            if (config.delivery().enabled()) {
                Router router = Router.create(config, new UserMailboxes(local), resolver, clock);
                delivery = DeliveryService.start(config.delivery(), config.hostname(), spool, router, clock);
            }
            return new Mailgate(spool, local, server, delivery, keyWatch);
        } catch (IOException | RuntimeException e) {
            if (server != null) {
                server.shutdown(Duration.ZERO);
            }
            if (keyWatch != null) {
                keyWatch.shutdownNow();
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
        keyWatch.shutdownNow();
        spool.close();
    }

    /** Submitted mail is signed with the active keys of its From domain, unless [dkim] sign = false. */
    private static List<Signer> signers(MailgateConfig config, DkimKeyRing keys, Clock clock) {
        if (!config.dkim().sign()) {
            return List.of();
        }
        DkimConfig dkim = config.dkim();
        return List.of(new DkimSigner(keys::active, new DkimSigner.Policy(dkim.headers(), dkim.headersOnce(), dkim.expireAfter()), clock));
    }

    @Override
    public void close() {
        shutdown(Duration.ZERO);
    }
}
