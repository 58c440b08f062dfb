package org.mailgate.cli;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.ChannelHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.mailgate.auth.LiveUserDirectory;
import org.mailgate.auth.LocalDomains;
import org.mailgate.config.DeliveryConfig;
import org.mailgate.config.DkimConfig;
import org.mailgate.config.HttpConfig;
import org.mailgate.config.MailauthConfig;
import org.mailgate.config.MailgateConfig;
import org.mailgate.delivery.DeliveryService;
import org.mailgate.delivery.QueueCensus;
import org.mailgate.delivery.Router;
import org.mailgate.dns.DnsJavaResolver;
import org.mailgate.http.HttpListener;
import org.mailgate.mailauth.DkimKeyRing;
import org.mailgate.mailauth.DkimSigner;
import org.mailgate.mailauth.InboundExaminer;
import org.mailgate.mailauth.MailAuthentication;
import org.mailgate.message.Examiner;
import org.mailgate.message.Signer;
import org.mailgate.server.PipelineSteps;
import org.mailgate.server.SmtpServer;
import org.mailgate.spool.Spool;

/**
 * The one place a whole Mailgate is put together: the spool, the user directory and the local
 * domains, the DKIM keys (watched for changes), the listeners on them, and delivery (with the real resolver and transports) when the
 * config enables it; and taken apart in the reverse order, so the spool closes last.
 */
public final class Mailgate implements AutoCloseable {
    private final Storage storage;
    private final Spool spool;
    private final LiveUserDirectory users;
    private final DkimKeyRing keys;
    private final SmtpServer server;
    private final ScheduledExecutorService housekeeping;
    private final Clock clock;
    private final PrometheusMeterRegistry registry;
    private final QueueCensus census;
    private volatile LocalDomains localDomains;
    private DnsJavaResolver resolver;
    private volatile DeliveryService delivery;
    private volatile HttpListener http;
    private boolean stopped;

    private Mailgate(Storage storage, LiveUserDirectory users, DkimKeyRing keys, ScheduledExecutorService housekeeping, Clock clock,
            PrometheusMeterRegistry registry, QueueCensus census, LocalDomains localDomains, DnsJavaResolver resolver, SmtpServer server,
            DeliveryService delivery) {
        this.storage = storage;
        this.spool = storage.spool();
        this.users = users;
        this.keys = keys;
        this.housekeeping = housekeeping;
        this.clock = clock;
        this.registry = registry;
        this.census = census;
        this.localDomains = localDomains;
        this.resolver = resolver;
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
        Storage storage = Storage.open(config);
        Spool spool = storage.spool();
        SmtpServer server = null;
        ScheduledExecutorService housekeeping = null;
        Mailgate mailgate = null;
        try {
            DkimKeyRing keys = new DkimKeyRing(storage.dkimKeys());
            housekeeping = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("mailgate-housekeeping").factory());
            housekeeping.scheduleWithFixedDelay(keys::refresh, 1, 1, TimeUnit.SECONDS);
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            new JvmMemoryMetrics().bindTo(registry);
            new ProcessorMetrics().bindTo(registry);
            new UptimeMetrics().bindTo(registry);
            QueueCensus census = new QueueCensus(spool, clock).register(registry);
            housekeeping.scheduleWithFixedDelay(census::take, 0, 5, TimeUnit.SECONDS);
            LiveUserDirectory users = new LiveUserDirectory(storage.users());
            LocalDomains local = localDomains(config, users);
            // one resolver, one TTL cache: delivery's lookups and the inbound checks share it
            DnsJavaResolver resolver = DnsJavaResolver.create(config.delivery(), clock);
            server = SmtpServer.start(config, spool, users, local, steps(config, keys, resolver, local, registry, clock), registry, clock,
                    storage.stores());
            DeliveryService delivery = null;
            if (config.delivery().enabled()) {
                delivery = DeliveryService.start(config.delivery(), config.hostname(), spool, router(config, storage, local, resolver, clock), clock,
                        registry);
            }
            mailgate = new Mailgate(storage, users, keys, housekeeping, clock, registry, census, local, resolver, server, delivery);
            if (config.http() != null) {
                mailgate.http = mailgate.listenHttp(config.http());
            }
            return mailgate;
        } catch (IOException | RuntimeException e) {
            if (mailgate != null) {
                mailgate.shutdown(Duration.ZERO);
            } else {
                if (server != null) {
                    server.shutdown(Duration.ZERO);
                }
                if (housekeeping != null) {
                    housekeeping.shutdownNow();
                }
                storage.close();
            }
            throw e;
        }
    }

    private HttpListener listenHttp(HttpConfig config) throws IOException {
        Optional<Supplier<ChannelHandler>> tls = config.tls() ? Optional.of(server::newTlsHandler) : Optional.empty();
        return HttpListener.start(config.address(), config.port(), tls, new HttpRoutes(this).all());
    }

    /** The HTTP listener's address, when the config has one. */
    public Optional<InetSocketAddress> httpAddress() {
        HttpListener listening = http;
        return listening == null ? Optional.empty() : Optional.of(listening.address());
    }

    PrometheusMeterRegistry registry() {
        return registry;
    }

    QueueCensus census() {
        return census;
    }

    private static LocalDomains localDomains(MailgateConfig config, LiveUserDirectory users) {
        return new LocalDomains(config.domains(), config.hostname(), config.postmaster(), users);
    }

    private static Router router(MailgateConfig config, Storage storage, LocalDomains local, DnsJavaResolver resolver, Clock clock)
            throws IOException {
        return Router.create(config, new UserMailboxes(local), resolver, storage.mtaSts(), clock);
    }

    /** Submitted mail is signed as [dkim] says; inbound mail is examined as [mailauth] says. */
    private static PipelineSteps steps(MailgateConfig config, DkimKeyRing keys, DnsJavaResolver resolver, LocalDomains local,
            MeterRegistry registry, Clock clock) {
        MailauthConfig mailauth = config.mailauth();
        List<Examiner> examiners = mailauth.verify()
                ? List.of(new InboundExaminer(new MailAuthentication(resolver, config.hostname(), clock, mailauth.arc()),
                        mailauth.authservId(config.hostname()), local::isLocal, actions(mailauth), new MailauthMetrics(registry)))
                : List.of();
        return new PipelineSteps(signers(config, keys, clock), examiners);
    }

    /**
     * Applies {@code next} (the config file read again) to the running server: what may change
     * live does (see the server's reload), and delivery takes the new [delivery], hostname and
     * domains from its next round on; turning delivery off stops it, and mail stays queued.
     * Returns what was done, a line each.
     */
    public synchronized List<String> reload(MailgateConfig next) {
        MailgateConfig running = server.config();
        List<String> report = new ArrayList<>();
        if (!dnsSettings(running.delivery()).equals(dnsSettings(next.delivery()))) {
            try {
                resolver = DnsJavaResolver.create(next.delivery(), clock);
                report.add("DNS: resolving through " + (next.delivery().dnsServers().isEmpty() ? "the system's resolvers" : next.delivery().dnsServers()));
            } catch (IOException e) {
                next = next.withDelivery(running.delivery());
                report.add("DNS: [delivery] not changed, the resolver in service stays: " + e.getMessage());
            }
        }
        LocalDomains local = localDomains(next, users);
        report.addAll(server.reload(next, local, steps(next, keys, resolver, local, registry, clock)));
        localDomains = local;
        MailgateConfig now = server.config();
        boolean routing = !now.delivery().equals(running.delivery()) || !now.hostname().equals(running.hostname())
                || !now.domains().equals(running.domains()) || !Objects.equals(now.postmaster(), running.postmaster());
        try {
            if (!now.delivery().enabled()) {
                if (delivery != null) {
                    delivery.close();
                    delivery = null;
                    report.add("delivery: stopped ([delivery] enabled = false); mail is accepted and stays queued");
                }
            } else if (delivery == null) {
                delivery = DeliveryService.start(now.delivery(), now.hostname(), spool, router(now, storage, local, resolver, clock), clock, registry);
                report.add("delivery: started");
            } else if (routing) {
                delivery.reconfigure(now.delivery(), now.hostname(), router(now, storage, local, resolver, clock));
                report.add("delivery: the next rounds use the new settings");
            }
        } catch (IOException e) {
            report.add("delivery: not changed, " + e.getMessage());
        }
        if (!Objects.equals(now.http(), running.http())) {
            report.add(relistenHttp(now.http()));
        }
        return report;
    }

    /** A reload's [http]: the old listener closed, the new one bound; one that cannot be bound leaves none, and says why. */
    private String relistenHttp(HttpConfig next) {
        HttpListener old = http;
        http = null;
        if (old != null) {
            old.close();
        }
        if (next == null) {
            return "http: closed ([http] is gone from the config)";
        }
        try {
            http = listenHttp(next);
            return "http: listening on " + http.address().getAddress().getHostAddress() + ":" + http.address().getPort();
        } catch (IOException e) {
            return "http: not listening, " + e.getMessage();
        }
    }

    /** What the resolver is made of; a change makes a new one (with an empty cache). */
    private static List<Object> dnsSettings(DeliveryConfig delivery) {
        return Arrays.asList(delivery.dnsServers(), delivery.dnssec(), delivery.trustAnchors());
    }

    public SmtpServer server() {
        return server;
    }

    public Spool spool() {
        return spool;
    }

    Storage storage() {
        return storage;
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
        HttpListener listening = http;
        if (listening != null) {
            listening.close();
        }
        DeliveryService running = delivery;
        if (running != null) {
            running.close();
        }
        server.shutdown(grace);
        housekeeping.shutdownNow();
        storage.close();
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
