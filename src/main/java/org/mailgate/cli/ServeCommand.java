package org.mailgate.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.mailgate.auth.LocalDomains;
import org.mailgate.config.ConfigException;
import org.mailgate.config.ConfigLoader;
import org.mailgate.config.MailgateConfig;
import org.mailgate.server.SmtpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the server; without --config, on the embedded defaults (loopback, ports 1587, 1465, 2525, 1025, and HTTP on 8587).")
final class ServeCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);
    /** How a reload's report says the config file did not load. */
    static final String NOT_RELOADED = "config not reloaded, the running one stays: ";

    @Option(names = "--config", paramLabel = "FILE", description = "TOML config file.")
    Path configFile;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Data directory (default: the config's data-dir, else ./mailgate-data).")
    Path dataDir;

    @Override
    public Integer call() throws IOException, InterruptedException {
        MailgateConfig config;
        try {
            config = configFile != null ? ConfigLoader.load(configFile) : MailgateConfig.embedded(localHostname(), null);
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return 1;
        }
        Logging.apply(config.log());
        if (configFile != null) {
            CheckConfigCommand.warnings(configFile, config).forEach(warning -> log.warn("{}: {}", configFile, warning));
        }
        Path dir = DataDirOption.resolve(dataDir, config);
        config = config.withDataDir(dir.toAbsolutePath().normalize());

        try (DataDirLock lock = DataDirLock.acquire(config.dataDir())) {
            return serve(config);
        }
    }

    private int serve(MailgateConfig config) throws IOException, InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        SystemdNotify notify = SystemdNotify.fromEnvironment(System.getenv());
        AtomicReference<Mailgate> running = new AtomicReference<>();
        // sun.misc.Signal (jdk.unsupported) is the JDK's only way to handle signals ourselves: a
        // shutdown hook cannot finish the grace period and then exit 0, and SIGHUP would kill the JVM.
        Signal.handle(new Signal("TERM"), signal -> stop.countDown());
        Signal.handle(new Signal("INT"), signal -> stop.countDown());
        Signal.handle(new Signal("HUP"), signal -> {
            Mailgate started = running.get();
            if (started != null) {
                reload(started, config.dataDir(), notify, "SIGHUP");
            }
        });

        Mailgate mailgate = Mailgate.start(config, Clock.systemUTC());
        SmtpServer server = mailgate.server();
        running.set(mailgate);
        // The start-up report is written in one piece: the log goes to the same terminal (or pipe)
        // and must not land in the middle of a line that scripts read.
        StringBuilder report = new StringBuilder();
        report.append("Mailgate is running as ").append(config.hostname()).append(", data in ").append(config.dataDir())
                .append(" (pid ").append(ProcessHandle.current().pid()).append("; `mailgate reload` or SIGHUP reloads, SIGTERM stops)\n");
        for (SmtpServer.Bound bound : server.bound()) {
            report.append(String.format("  %-12s %s:%d%n", bound.listener().kind().configName(),
                    bound.address().getAddress().getHostAddress(), bound.address().getPort()));
        }
        mailgate.httpAddress().ifPresent(http -> report.append(String.format("  %-12s %s:%d (/metrics, /healthz, /readyz)%n",
                config.http().tls() ? "https" : "http",
                http.getAddress().getHostAddress(), http.getPort())));
        report.append("  postmaster   ").append(postmaster(config, mailgate.localDomains())).append('\n');
        if (mailgate.delivery().isEmpty()) {
            report.append("Delivery is off ([delivery] enabled = false): mail is accepted and stays queued.\n");
        }
        // the last line of the start-up report, whichever it is (scripts wait for it)
        int users = mailgate.localDomains().users().get().users().size();
        report.append(users == 0 ? "Next: add a user with  ./mailgate user add you@example.com"
                + (configFile != null ? " --config " + configFile : dataDir != null ? " --data-dir " + dataDir : "")
                : "Ready: " + users + (users == 1 ? " user" : " users")).append('\n');
        System.out.print(report);
        System.out.flush();
        ReloadRequests requests = new ReloadRequests(config.dataDir());
        ScheduledExecutorService requestWatch = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("admin-requests").daemon(true).factory());
        requestWatch.scheduleWithFixedDelay(() -> requests.serve(() -> reload(mailgate, config.dataDir(), notify, "mailgate reload")),
                1, 1, TimeUnit.SECONDS);
        OperatorLog operators = new OperatorLog(config.dataDir());
        requestWatch.scheduleWithFixedDelay(operators::drain, 0, 1, TimeUnit.SECONDS);
        notify.send("READY=1\nSTATUS=serving " + server.bound().size() + " listeners");
        stop.await();
        running.set(null);
        requestWatch.shutdownNow();
        notify.send("STOPPING=1");
        System.out.println("Stopping: finishing sessions in flight (up to " + server.config().limits().shutdownGrace().toSeconds() + "s)");
        mailgate.shutdown(server.config().limits().shutdownGrace());
        return 0;
    }

    /**
     * A reload, asked by {@code by}: the config file read again (one that does not load is
     * refused and the running config stays), then what may change now. The report is logged, a
     * line each, and returned. One reload at a time.
     */
    private synchronized List<String> reload(Mailgate mailgate, Path dataDir, SystemdNotify notify, String by) {
        notify.send("RELOADING=1");
        log.info("reload: asked by {}, reading {}", by, configFile == null ? "nothing (embedded defaults: users, bans and certificates)" : configFile);
        List<String> report = new ArrayList<>();
        MailgateConfig next = mailgate.server().config();
        if (configFile != null) {
            try {
                MailgateConfig loaded = ConfigLoader.load(configFile);
                Path named = DataDirOption.resolve(this.dataDir, loaded).toAbsolutePath().normalize();
                if (!named.equals(dataDir)) {
                    report.add("config: data-dir changed to " + named + ", and takes effect at the next restart (this server keeps " + dataDir + ")");
                }
                next = loaded.withDataDir(dataDir);
            } catch (ConfigException e) {
                report.add(NOT_RELOADED + e.getMessage());
            }
        }
        try {
            report.addAll(mailgate.reload(next));
            Logging.apply(mailgate.server().config().log());
        } catch (RuntimeException e) {
            report.add("reload failed, the server runs on as it was: " + e.getMessage());
        }
        report.forEach(line -> {
            if (line.startsWith(NOT_RELOADED)) {
                log.error("reload: {}", line);
            } else {
                log.info("reload: {}", line);
            }
        });
        notify.send("READY=1");
        return report;
    }

    /** RFC 5321 4.5.1: where mail to postmaster@ each local domain (and to a bare "postmaster") goes. */
    private static String postmaster(MailgateConfig config, LocalDomains local) {
        return local.postmasterMailbox()
                .map(user -> "mail goes to " + user.address()
                        + (config.postmaster() == null ? " (the first user; `postmaster = ADDRESS` in the config to change it)" : ""))
                .orElse(config.postmaster() == null ? "has no mailbox yet: it goes to the first user you add"
                        : "has no mailbox: " + config.postmaster() + " is no user's address or alias");
    }

    static String localHostname() {
        try {
            String name = InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
            return name.matches("[a-z0-9.-]+") ? name : "localhost";
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
