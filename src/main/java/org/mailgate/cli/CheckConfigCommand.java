package org.mailgate.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.mailgate.config.ConfigException;
import org.mailgate.config.ConfigLoader;
import org.mailgate.config.ListenerConfig;
import org.mailgate.config.MailgateConfig;
import org.mailgate.server.SmtpServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "check-config", mixinStandardHelpOptions = true,
        description = "Check a config file and say what is wrong, without starting the server.")
final class CheckConfigCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "The TOML config file.")
    Path file;

    /** What loads but will surprise: said by check-config and at the start of serve. */
    static List<String> warnings(Path file, MailgateConfig config) {
        List<String> warnings = new ArrayList<>();
        if (config.hostname().equals("localhost")) {
            warnings.add("no hostname set: the server calls itself localhost in its greeting, EHLO, Received fields, bounces and"
                    + " self-signed certificate, which other servers distrust; set hostname = \"mx.example.com\" (its DNS name)");
        }
        if (config.http() != null && !isLoopback(config.http().address())) {
            warnings.add("[http] listens on " + config.http().address() + ": /metrics and /readyz need no login, so keep that port"
                    + " behind a firewall, or use address = \"127.0.0.1\"");
        }
        return warnings;
    }

    /** What `serve` would refuse beyond the file itself: listeners that collide, a data directory it cannot use. */
    static List<String> problems(MailgateConfig config) {
        List<String> problems = new ArrayList<>();
        List<ListenerConfig> listeners = config.listeners();
        for (int i = 0; i < listeners.size(); i++) {
            for (int j = i + 1; j < listeners.size(); j++) {
                ListenerConfig a = listeners.get(i);
                ListenerConfig b = listeners.get(j);
                boolean wildcard = isWildcard(a.address()) || isWildcard(b.address());
                if (a.port() == b.port() && a.port() != 0 && (wildcard || a.address().equals(b.address()))) {
                    problems.add("listeners " + (i + 1) + " and " + (j + 1) + " both take port " + a.port() + " (" + a.address() + ", "
                            + b.address() + ")");
                }
            }
        }
        if (config.http() != null) {
            for (int i = 0; i < listeners.size(); i++) {
                ListenerConfig a = listeners.get(i);
                String h = config.http().address();
                if (a.port() == config.http().port() && a.port() != 0 && (isWildcard(a.address()) || isWildcard(h) || a.address().equals(h))) {
                    problems.add("listener " + (i + 1) + " and [http] both take port " + a.port());
                }
            }
        }
        Path dir = DataDirOption.resolve(null, config).toAbsolutePath().normalize();
        String user = System.getProperty("user.name");
        if (Files.isDirectory(dir) && !Files.isWritable(dir)) {
            problems.add("data directory " + dir + ": permission denied: " + user + " cannot write it");
        } else if (!Files.exists(dir) && dir.getParent() != null && !Files.isWritable(nearestExisting(dir.getParent()))) {
            problems.add("data directory " + dir + ": no such directory, and " + user + " cannot make it");
        }
        return problems;
    }

    /** Each listener that cannot be bound now, and why (a running server holding it is the usual reason: a warning only). */
    static List<String> unbindable(MailgateConfig config) {
        List<String> warnings = new ArrayList<>();
        for (ListenerConfig listener : config.listeners()) {
            unbindable(listener.address(), listener.port(), "").ifPresent(warnings::add);
        }
        if (config.http() != null) {
            unbindable(config.http().address(), config.http().port(), " ([http])").ifPresent(warnings::add);
        }
        return warnings;
    }

    private static Optional<String> unbindable(String address, int port, String what) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(address), port));
            return Optional.empty();
        } catch (IOException e) {
            String why = String.valueOf(e.getMessage());
            String hint = why.contains("in use") ? " (a running server holds its own ports)"
                    : why.contains("denied") && port < 1024 ? " (a port under 1024 needs CAP_NET_BIND_SERVICE, as the systemd unit gives)"
                    : "";
            return Optional.of("cannot listen on " + address + ":" + port + what + " now: " + why + hint);
        }
    }

    private static boolean isLoopback(String address) {
        return address.startsWith("127.") || address.equals("::1");
    }

    private static boolean isWildcard(String address) {
        return address.equals("0.0.0.0") || address.equals("::") || address.equals("[::]");
    }

    private static Path nearestExisting(Path path) {
        Path p = path;
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        return p == null ? Path.of("/") : p;
    }

    @Override
    public Integer call() {
        try {
            MailgateConfig config = ConfigLoader.load(file);
            if (config.tls() != null) {
                SmtpServer.checkTls(config.tls()); // the files a start would load, pair by pair
            }
            List<String> problems = problems(config);
            if (!problems.isEmpty()) {
                problems.forEach(problem -> System.err.println(file + ": " + problem));
                return 1;
            }
            System.out.println(file + ": OK (" + config.listeners().size() + " listeners, hostname " + config.hostname() + ")");
            warnings(file, config).forEach(warning -> System.out.println(file + ": warning: " + warning));
            unbindable(config).forEach(warning -> System.out.println(file + ": warning: " + warning));
            return 0;
        } catch (ConfigException e) {
            System.err.println(e.getMessage()); // it names the file and the line
            return 1;
        } catch (IOException tls) {
            System.err.println(file + ": " + tls.getMessage());
            return 1;
        }
    }
}
