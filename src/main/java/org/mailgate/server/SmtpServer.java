package org.mailgate.server;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.mailgate.auth.Authenticator;
import org.mailgate.auth.LiveUserDirectory;
import org.mailgate.auth.LocalDomains;
import org.mailgate.auth.LoginThrottle;
import org.mailgate.auth.PasswordHashes;
import org.mailgate.auth.UnlockRequests;
import org.mailgate.auth.UserDirectory;
import org.mailgate.config.Limits;
import org.mailgate.config.ListenerConfig;
import org.mailgate.config.MailgateConfig;
import org.mailgate.config.TlsConfig;
import org.mailgate.message.Signer;
import org.mailgate.policy.AutoBan;
import org.mailgate.policy.BanList;
import org.mailgate.policy.InboundPolicy;
import org.mailgate.policy.SendingLimits;
import org.mailgate.policy.SubmissionPolicy;
import org.mailgate.spool.Spool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The running listeners, what their connections share, and an orderly stop. */
public final class SmtpServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SmtpServer.class);

    /** A bound listener, with the port the system picked when the config said 0. */
    public record Bound(ListenerConfig listener, InetSocketAddress address) {
        @Override
        public String toString() {
            return address.getAddress().getHostAddress() + ":" + address.getPort() + " (" + listener.kind().configName() + ")";
        }
    }

    private record Listening(Bound bound, Channel channel) {}

    private volatile MailgateConfig config;
    private final Stores stores;
    /** One node: writes what it counted to the data directory, for the next start; with a shared store, nothing. */
    private volatile Runnable saveCounters = () -> {};
    // Each new connection takes the context current when it starts; a reload replaces it.
    private volatile ServerContext context;
    private final EventLoopGroup loops;
    private final Spool spool;
    private final LiveUserDirectory users;
    // as started: a reload puts the new ones into the context
    private final LocalDomains localDomains;
    // Password hashing is CPU work: a bounded pool of platform threads, never the event loops
    // and never virtual threads (they would starve the carriers that fsync waits on).
    private final ExecutorService authPool = Executors.newFixedThreadPool(
            Runtime.getRuntime().availableProcessors(), Thread.ofPlatform().name("auth-", 0).daemon(true).factory());
    // The end-of-data checks (later DKIM and DMARC) may block: a virtual thread each, never an event loop.
    private final ExecutorService checks = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("housekeeping").daemon(true).factory());
    // What reads and writes the stores (users, bans, counters): apart, so a database that hangs
    // delays only these, never the handshake sweep or the certificate reload.
    private final ScheduledExecutorService storeWork = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("store-work").daemon(true).factory());
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    /** The listening sockets, in the config's order; a reload closes and adds some. */
    private final List<Listening> listening = new CopyOnWriteArrayList<>();
    private final Clock clock;
    private final PipelineSteps steps;
    private final MeterRegistry registry;
    private boolean closed;

    private SmtpServer(MailgateConfig config, Spool spool, LiveUserDirectory users, LocalDomains localDomains, PipelineSteps steps,
            MeterRegistry registry, Clock clock, Stores stores) {
        this.stores = stores;
        this.registry = registry;
        this.steps = steps;
        this.config = config;
        this.clock = clock;
        this.loops = Epoll.isAvailable()
                ? new MultiThreadIoEventLoopGroup(EpollIoHandler.newFactory())
                : new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
        this.spool = spool;
        this.users = users;
        this.localDomains = localDomains;
    }

    /**
     * Binds every listener of {@code config}; messages are committed to {@code spool}, which the
     * caller opened and closes after {@link #shutdown}.
     */
    public static SmtpServer start(MailgateConfig config, Spool spool, LiveUserDirectory users, LocalDomains localDomains,
            List<Signer> signers, Clock clock) throws IOException {
        return start(config, spool, users, localDomains, new PipelineSteps(signers, List.of()), new SimpleMeterRegistry(), clock);
    }

    /** As above, with inbound mail examined too, and what the listeners count in {@code registry}. */
    public static SmtpServer start(MailgateConfig config, Spool spool, LiveUserDirectory users, LocalDomains localDomains,
            PipelineSteps steps, MeterRegistry registry, Clock clock) throws IOException {
        return start(config, spool, users, localDomains, steps, registry, clock, Stores.files(config.dataDir()));
    }

    /** As above, with the bans and counters in {@code stores} (a database every node shares, or the data directory's files). */
    public static SmtpServer start(MailgateConfig config, Spool spool, LiveUserDirectory users, LocalDomains localDomains,
            PipelineSteps steps, MeterRegistry registry, Clock clock, Stores stores) throws IOException {
        SmtpServer server = new SmtpServer(config, spool, users, localDomains, steps, registry, clock, stores);
        try {
            server.bind();
            return server;
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    private void bind() throws IOException {
        context = context();
        for (ListenerConfig listener : config.listeners()) {
            listen(listener);
        }
    }

    private void listen(ListenerConfig listener) throws IOException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(loops)
                .channel(Epoll.isAvailable() ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                // a listener rebound by a reload takes its port back while the old one's connections linger in TIME_WAIT
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        connections.add(channel);
                        if (listener.proxyProtocol()) {
                            channel.pipeline().addLast("proxy", new HAProxyMessageDecoder());
                        }
                        ServerContext current = context;
                        channel.pipeline().addLast("admission", new Admission(current, listener));
                        channel.pipeline().addLast("smtp", new SmtpConnection(current, current.profile(listener.kind()), listener.kind()));
                    }
                });
        try {
            Channel channel = bootstrap.bind(listener.address(), listener.port()).sync().channel();
            listening.add(new Listening(new Bound(listener, (InetSocketAddress) channel.localAddress()), channel));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while binding", e);
        } catch (Exception e) {
            throw new IOException("cannot listen on " + listener.address() + ":" + listener.port() + ": " + e.getMessage(), e);
        }
    }

    /** What the server counts against abuse: failed logins, messages sent, offences. */
    private record Counting(LoginThrottle throttle, SendingLimits sending, AutoBan autoBan) {}

    /**
     * The counters, shared through the database (sent and read every 2 s), or one node's, saved
     * to its data directory every 30 s and at the stop, and taken back at the next start.
     */
    private Counting counting(BanList bans) throws IOException {
        Duration authDelay = config.limits().authFailureDelay();
        if (stores.shared().isPresent()) {
            Stores.Shared shared = stores.shared().get();
            LoginThrottle throttle = new LoginThrottle(config.loginThrottle(), authDelay, clock, shared.logins());
            SendingLimits sending = SendingLimits.shared(config.sendingLimits(), clock, shared.events());
            AutoBan autoBan = AutoBan.shared(config.autoBan(), bans, storeWork, clock, shared.events());
            storeWork.scheduleWithFixedDelay(() -> {
                sending.share();
                autoBan.share();
            }, 2, 2, TimeUnit.SECONDS);
            return new Counting(throttle, sending, autoBan);
        }
        SavedCounters saved = new SavedCounters(config.dataDir());
        Optional<SavedCounters.Counters> counted = saved.read();
        LoginThrottle throttle = counted.map(c -> LoginThrottle.restore(config.loginThrottle(), authDelay, clock, c.logins()))
                .orElseGet(() -> new LoginThrottle(config.loginThrottle(), authDelay, clock));
        SendingLimits sending = new SendingLimits(config.sendingLimits(), clock);
        AutoBan autoBan = new AutoBan(config.autoBan(), bans, storeWork, clock);
        counted.ifPresent(c -> {
            sending.restore(c.sent());
            autoBan.restore(c.offences());
        });
        saveCounters = () -> saved.write(new SavedCounters.Counters(throttle.save(), sending.save(), autoBan.save()));
        housekeeping.scheduleWithFixedDelay(() -> saveCounters.run(), 30, 30, TimeUnit.SECONDS);
        return new Counting(throttle, sending, autoBan);
    }

    /** Everything connections share, and the housekeeping that keeps it current. */
    private ServerContext context() throws IOException {
        TlsContexts tlsContexts = tls(config, clock);
        BanList bans = new BanList(stores.bans(), clock);
        bans.load();
        Counting counting = counting(bans);
        LoginThrottle throttle = counting.throttle();
        SendingLimits sending = counting.sending();
        AutoBan autoBan = counting.autoBan();
        ConnectionLimiter limiter = new ConnectionLimiter(config.limits(), clock);
        HandshakeSlots handshakes = new HandshakeSlots(config.limits().maxTlsHandshakes(), config.limits().maxTlsHandshakesPerAddress(), clock);
        ServerStatus status = new ServerStatus(config.dataDir(), throttle, sending);
        RefusalLog refusals = new RefusalLog(config.autoBan().window().toMillis(), clock);
        ServerMetrics metrics = new ServerMetrics(registry);
        Gauge.builder("mailgate.connections.open", limiter, ConnectionLimiter::open).description("SMTP connections open").register(registry);
        Gauge.builder("mailgate.tls.handshakes.in.progress", handshakes, HandshakeSlots::inProgress).register(registry);
        Gauge.builder("mailgate.bans.active", bans, b -> b.active().size()).description("bans in force, automatic and manual")
                .register(registry);
        Logins logins = new Logins(new Authenticator(users, new PasswordHashes(), config.limits().authCacheTtl(), clock, users::upgrade),
                throttle, autoBan, authPool, metrics);
        storeWork.scheduleWithFixedDelay(users::refresh, 1, 1, TimeUnit.SECONDS);
        storeWork.scheduleWithFixedDelay(bans::refresh, 1, 1, TimeUnit.SECONDS);
        housekeeping.scheduleWithFixedDelay(() -> context.tls().reloadIfChanged(), 2, 2, TimeUnit.SECONDS);
        housekeeping.scheduleWithFixedDelay(status::write, 1, 5, TimeUnit.SECONDS);
        SpoolSpace space = new SpoolSpace(spool);
        housekeeping.scheduleWithFixedDelay(space::refresh, 1, 1, TimeUnit.SECONDS);
        UnlockRequests unlocks = new UnlockRequests(config.dataDir());
        storeWork.scheduleWithFixedDelay(() -> unlocks.apply(throttle), 1, 1, TimeUnit.SECONDS);
        housekeeping.scheduleWithFixedDelay(handshakes::sweep, 500, 500, TimeUnit.MILLISECONDS);
        housekeeping.scheduleWithFixedDelay(() -> {
            limiter.prune();
            refusals.prune();
        }, 1, 1, TimeUnit.MINUTES);
        storeWork.scheduleWithFixedDelay(() -> {
            throttle.prune();
            sending.prune();
            autoBan.prune();
        }, 1, 1, TimeUnit.MINUTES);
        log.info("TLS by {}, certificate {}; transport {}; {} bans in force", TlsContexts.provider() == SslProvider.OPENSSL
                ? "OpenSSL (netty-tcnative BoringSSL)" : "JDK TLS", tlsContexts.certificate(), Epoll.isAvailable() ? "epoll" : "NIO",
                bans.active().size());
        return ServerContext.create(config, tlsContexts, spool, space, logins,
                new SubmissionPolicy(localDomains, sending, config.delivery().allowPrivateLiterals()), new InboundPolicy(localDomains), steps, sending,
                bans, autoBan, limiter, handshakes, refusals, metrics, checks, clock);
    }

    private static TlsContexts tls(MailgateConfig config, Clock clock) throws IOException {
        TlsConfig tls = config.tls() != null ? config.tls() : SelfSignedCertificate.ensure(config.dataDir(), config.hostname(), clock);
        return TlsContexts.load(tls, config.limits().tlsHandshakeTimeout().toMillis());
    }

    /**
     * A reload: the users, the bans and the certificate files are read again at once, and
     * {@code next} (the config file read again; all but data-dir and [storage]) applies to new
     * connections, with {@code local} and {@code nextSteps} built from it; the counters take its
     * limits, and the listeners that changed are closed (their sessions finish) and bound anew.
     * Returns what was done, a line each, for the log.
     */
    public synchronized List<String> reload(MailgateConfig next, LocalDomains local, PipelineSteps nextSteps) {
        List<String> report = new ArrayList<>();
        users.refresh();
        report.add("users: " + users.get().users().size());
        context.bans().refresh();
        report.add("bans: " + context.bans().active().size() + " in force");
        List<String> changed = ConfigReload.changed(config, next);
        report.add(changed.isEmpty() ? "config: nothing changed" : "config: applied " + String.join(", ", changed));
        List<String> kept = ConfigReload.keptUntilRestart(config, next);
        if (!kept.isEmpty()) {
            report.add("config: " + String.join(", ", kept) + " changed, and take a restart: kept as started");
        }
        MailgateConfig effective = next.withDataDir(config.dataDir()).withStorage(config.storage());
        TlsContexts tls = context.tls();
        boolean selfSignedRenamed = effective.tls() == null && !effective.hostname().equals(config.hostname());
        if (Objects.equals(effective.tls(), config.tls()) && !selfSignedRenamed
                && effective.limits().tlsHandshakeTimeout().equals(config.limits().tlsHandshakeTimeout())) {
            report.add(tls.reloadIfChanged() ? "TLS: certificate files changed, reloaded" : "TLS: certificate files unchanged");
        } else {
            try {
                tls = tls(effective, clock);
                report.add("TLS: certificates from the new config, " + tls.certificate());
            } catch (IOException e) {
                effective = effective.withTls(config.tls());
                report.add("TLS: not changed, the certificates in service (and their handshake timeout) stay: " + e.getMessage());
            }
        }
        resize(effective);
        context = context.with(effective, tls, new SubmissionPolicy(local, context.sendingLimits(), effective.delivery().allowPrivateLiterals()),
                new InboundPolicy(local), nextSteps);
        config = effective.withListeners(rebind(effective.listeners(), report));
        return report;
    }

    /** The counters take the new limits; what they counted stays (no lockout, ban or count is forgotten). */
    private void resize(MailgateConfig next) {
        Limits limits = next.limits();
        context.logins().reconfigure(next.loginThrottle(), limits);
        context.sendingLimits().reconfigure(next.sendingLimits());
        context.autoBan().reconfigure(next.autoBan());
        context.refusals().resize(next.autoBan().window().toMillis());
        context.connections().resize(limits);
        context.handshakes().resize(limits.maxTlsHandshakes(), limits.maxTlsHandshakesPerAddress());
    }

    /** Closes the listeners {@code wanted} no longer names and binds those it adds; returns what listens now. */
    private List<ListenerConfig> rebind(List<ListenerConfig> wanted, List<String> report) {
        for (Listening old : listening) {
            if (!wanted.contains(old.bound().listener())) {
                old.channel().close().syncUninterruptibly();
                listening.remove(old);
                report.add("listener: closed " + old.bound() + "; its sessions finish");
            }
        }
        for (ListenerConfig listener : wanted) {
            if (listening.stream().noneMatch(l -> l.bound().listener().equals(listener))) {
                try {
                    listen(listener);
                    report.add("listener: listening on " + listening.getLast().bound());
                } catch (IOException e) {
                    report.add("listener: not changed, " + e.getMessage());
                }
            }
        }
        return listening.stream().map(l -> l.bound().listener()).toList();
    }

    /** The config the server runs with now: as started, with what reloads applied. */
    public MailgateConfig config() {
        return config;
    }

    /** Loads the certificates and keys as a start would, and says what is wrong with them (check-config). */
    public static void checkTls(TlsConfig tls) throws IOException {
        TlsContexts.load(tls, 0);
    }

    /** The queue this server commits to, which delivery reads. */
    public Spool spool() {
        return spool;
    }

    /** The users as the server sees them, reloaded when the user file changes. */
    public Supplier<UserDirectory> users() {
        return users;
    }

    /** A TLS handler with the listeners' certificates (SNI, and a renewed certificate, as theirs), for the HTTPS listener. */
    public ChannelHandler newTlsHandler() {
        return context.tls().newHandler();
    }

    public List<Bound> bound() {
        return listening.stream().map(Listening::bound).toList();
    }

    /**
     * Stops accepting, lets sessions in flight finish within the grace period, then closes the
     * rest with 421. Every message acknowledged was committed to the spool before its reply.
     */
    public synchronized void shutdown(Duration grace) {
        if (closed) {
            return;
        }
        closed = true;
        listening.forEach(l -> l.channel().close().syncUninterruptibly());
        connections.forEach(channel -> channel.eventLoop().execute(() -> connection(channel).requestShutdown()));
        long deadline = System.nanoTime() + grace.toNanos();
        while (!connections.isEmpty() && System.nanoTime() < deadline) {
            sleep(50);
        }
        connections.forEach(channel -> channel.eventLoop().execute(() -> connection(channel).forceShutdown()));
        long hardDeadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!connections.isEmpty() && System.nanoTime() < hardDeadline) {
            sleep(50);
        }
        connections.close().syncUninterruptibly();
        loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        authPool.shutdownNow();
        checks.shutdown();
        housekeeping.shutdownNow();
        storeWork.shutdownNow();
        saveCounters.run();
        log.info("stopped");
    }

    private static SmtpConnection connection(Channel channel) {
        return (SmtpConnection) channel.pipeline().get("smtp");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        shutdown(Duration.ZERO);
    }
}
