package org.mailgate.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
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
        description = "Run the server; without --config, on the embedded defaults (loopback, ports 1587, 1465, 2525, 1025).")
final class ServeCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);

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
        AtomicReference<SmtpServer> running = new AtomicReference<>();
        // sun.misc.Signal (jdk.unsupported) is the JDK's only way to handle signals ourselves: a
        // shutdown hook cannot finish the grace period and then exit 0, and SIGHUP would kill the JVM.
        Signal.handle(new Signal("TERM"), signal -> stop.countDown());
        Signal.handle(new Signal("INT"), signal -> stop.countDown());
        Signal.handle(new Signal("HUP"), signal -> {
            SmtpServer server = running.get();
            if (server != null) {
                notify.send("RELOADING=1");
                reload(server, config.dataDir());
                notify.send("READY=1");
            }
        });

        Mailgate mailgate = Mailgate.start(config, Clock.systemUTC());
        SmtpServer server = mailgate.server();
        running.set(server);
        System.out.println("Mailgate is running as " + config.hostname() + ", data in " + config.dataDir()
                + " (pid " + ProcessHandle.current().pid() + "; SIGHUP reloads, SIGTERM stops)");
        for (SmtpServer.Bound bound : server.bound()) {
            System.out.printf("  %-12s %s:%d%n", bound.listener().kind().configName(),
                    bound.address().getAddress().getHostAddress(), bound.address().getPort());
        }
        System.out.println("  postmaster   " + postmaster(config, mailgate.localDomains()));
        if (mailgate.delivery().isEmpty()) {
            System.out.println("Delivery is off ([delivery] enabled = false): mail is accepted and stays queued.");
        }
        // the last line of the start-up report, whichever it is (scripts wait for it)
        int users = mailgate.localDomains().users().get().users().size();
        System.out.println(users == 0 ? "Next: add a user with  ./mailgate user add you@example.com"
                + (configFile != null ? " --config " + configFile : dataDir != null ? " --data-dir " + dataDir : "")
                : "Ready: " + users + (users == 1 ? " user" : " users"));
        notify.send("READY=1\nSTATUS=serving " + server.bound().size() + " listeners");
        System.out.flush();
        stop.await();
        running.set(null);
        notify.send("STOPPING=1");
        System.out.println("Stopping: finishing sessions in flight (up to " + server.config().limits().shutdownGrace().toSeconds() + "s)");
        mailgate.shutdown(server.config().limits().shutdownGrace());
        return 0;
    }

    /** SIGHUP: the config file read again (a broken one is reported and the running config kept), then what may change now. */
    private void reload(SmtpServer server, Path dataDir) {
        log.info("SIGHUP: reloading{}", configFile == null ? " (embedded defaults: users, bans and certificates)" : " " + configFile);
        MailgateConfig next = server.config();
        if (configFile != null) {
            try {
                next = ConfigLoader.load(configFile).withDataDir(dataDir);
            } catch (ConfigException e) {
                log.error("SIGHUP: config not reloaded, the running one stays: {}", e.getMessage());
            }
        }
        try {
            server.reload(next).forEach(line -> log.info("SIGHUP: {}", line));
        } catch (RuntimeException e) {
            log.error("SIGHUP: reload failed, the server runs on as it was: {}", e.toString());
        }
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
