package org.mailgate.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.mailgate.config.ConfigException;
import org.mailgate.config.ConfigLoader;
import org.mailgate.config.Durations;
import org.mailgate.config.MailgateConfig;
import org.mailgate.dns.DnsJavaResolver;
import org.mailgate.dns.Resolver;
import org.mailgate.probe.Finding;
import org.mailgate.probe.Probe;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "probe", mixinStandardHelpOptions = true,
        description = {"Why can't I send? Checks a mail server the way a mail client would, on 587, 465, 2525 and 25: DNS, the "
                + "connection (a timeout, a refusal and a reset each mean something else), the greeting, TLS and its certificate, "
                + "AUTH, and with --user a login; each result says what it means and the fix.",
                "Exit status 0 when a secure way to send works (TLS, then AUTH, and the login when --user is given)."})
final class ProbeCommand implements Callable<Integer> {
    @Parameters(paramLabel = "HOST", arity = "0..1", description = "The mail server, as a mail client is set up with it.")
    String host;

    @Option(names = "--outbound", arity = "0..1", fallbackValue = "gmail.com", paramLabel = "DOMAIN",
            description = "Can this machine deliver? Connects to DOMAIN's MX (default gmail.com) on port 25, as delivery would,"
                    + " and checks our PTR against the hostname.")
    String outbound;

    @Option(names = "--config", paramLabel = "FILE",
            description = "With --outbound: the server's config, for its hostname, resolver and [delivery] port.")
    Path configFile;

    @Option(names = "--ports", split = ",", paramLabel = "PORT", description = "The ports to try (default: 587,465,2525,25).")
    List<Integer> ports = List.of(587, 465, 2525, 25);

    @Option(names = "--user", paramLabel = "ADDRESS", description = "Log in as this user (the password is prompted for, or read from standard input with --password-stdin).")
    String user;

    @Option(names = "--password-stdin", description = "Read the password from the first line of standard input.")
    boolean passwordStdin;

    @Option(names = "--send-to", paramLabel = "ADDRESS", description = "With --user: send a short test message there, on the first port that works.")
    String sendTo;

    @Option(names = "--timeout", paramLabel = "DURATION", description = "How long each step may take (default: 5s).")
    String timeout = "5s";

    @Option(names = "--json", description = "The findings as JSON, for scripts.")
    boolean json;

    @Mixin DnsOption dns;

    @Override
    public Integer call() throws IOException, GeneralSecurityException {
        Duration limit = Durations.parse(timeout).orElseThrow(() -> new CommandFailure("--timeout: expected a duration such as 5s, got \"" + timeout + "\""));
        if (host == null && outbound == null) {
            throw new CommandFailure("give the HOST to probe, or --outbound [DOMAIN] to see whether this machine can deliver");
        }
        if (host == null) {
            return outbound(limit) ? 0 : 1;
        }
        if (sendTo != null && user == null) {
            throw new CommandFailure("--send-to needs --user: a submission server takes mail only from a logged-in user");
        }
        for (int port : ports) {
            if (port < 1 || port > 65535) {
                throw new CommandFailure("--ports: " + port + " is not a port number (1 to 65535)");
            }
        }
        Optional<Probe.Login> login = user == null ? Optional.empty() : Optional.of(new Probe.Login(user, password()));
        Resolver resolver = dns.resolver();
        Probe probe = new Probe(dns.server == null ? Probe::systemAddresses : Probe.from(resolver), resolver, Clock.systemDefaultZone(),
                Probe.systemTrust());
        Probe.Report report = probe.run(new Probe.Options(host, ports, limit, login, Optional.empty(), ServeCommand.localHostname()));
        if (sendTo != null) {
            report = sendThroughFirstThatWorks(probe, report, limit, login);
        }
        System.out.print(json ? json(report) : text(report));
        boolean delivers = outbound == null || outbound(limit);
        return report.works() && delivers ? 0 : 1;
    }

    /** --outbound: with the config's hostname, resolver and delivery port when --config names it, as real delivery would. */
    private boolean outbound(Duration limit) throws IOException, GeneralSecurityException {
        MailgateConfig config = null;
        if (configFile != null) {
            try {
                config = ConfigLoader.load(configFile);
            } catch (ConfigException e) {
                throw new CommandFailure(e.getMessage());
            }
        }
        Resolver resolver = config != null ? DnsJavaResolver.create(config.delivery(), Clock.systemUTC()) : dns.resolver();
        String helo = config != null ? config.hostname() : ServeCommand.localHostname();
        int port = config != null ? config.delivery().port() : 25;
        List<Finding> findings = new Probe(Probe::systemAddresses, resolver, Clock.systemDefaultZone(), Probe.systemTrust())
                .outbound(outbound, port, helo, limit);
        boolean works = findings.stream().noneMatch(f -> f.level() == Finding.Level.FAIL);
        if (json) {
            System.out.println(Json.object("outbound", Json.string(outbound), "works", Boolean.toString(works), "findings", Json.array(findings
                    .stream().map(ProbeCommand::json).toList())));
        } else {
            StringBuilder out = new StringBuilder("Delivering to " + outbound + " from this machine, as " + helo + ":\n");
            findings.forEach(f -> line(out, f));
            out.append(works ? "Verdict: this machine can deliver to " + outbound + "'s MX directly.\n"
                    : "Verdict: this machine cannot deliver directly; the fixes above say what to change.\n");
            System.out.print(out);
        }
        return works;
    }

    /** The test message goes through one port only: the first that works, probed again with the message. */
    private Probe.Report sendThroughFirstThatWorks(Probe probe, Probe.Report report, Duration limit, Optional<Probe.Login> login) {
        Optional<Probe.PortResult> first = report.ports().stream().filter(Probe.PortResult::works).findFirst();
        if (first.isEmpty()) {
            return report;
        }
        Probe.Report sent = probe.run(new Probe.Options(host, List.of(first.get().port()), limit, login, Optional.of(sendTo),
                ServeCommand.localHostname()));
        List<Probe.PortResult> ports = new ArrayList<>(report.ports());
        ports.set(ports.indexOf(first.get()), sent.ports().get(0));
        return new Probe.Report(report.host(), report.dns(), ports);
    }

    private String password() throws IOException {
        if (passwordStdin) {
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            if (line == null || line.isEmpty()) {
                throw new CommandFailure("--password-stdin: standard input has no password");
            }
            return line;
        }
        Console console = System.console();
        if (console == null) {
            throw new CommandFailure("no terminal to prompt for the password: use --password-stdin");
        }
        char[] typed = console.readPassword("Password for %s: ", user);
        if (typed == null) {
            throw new CommandFailure("no password given");
        }
        return new String(typed);
    }

    static String text(Probe.Report report) {
        StringBuilder out = new StringBuilder("Probing " + report.host() + " as a mail client would:\n");
        report.findings().forEach(f -> line(out, f));
        List<String> working = report.ports().stream().filter(Probe.PortResult::works)
                .map(p -> p.port() + (p.implicitTls() ? " (SSL/TLS)" : " (STARTTLS)")).toList();
        out.append(working.isEmpty()
                ? "Verdict: no secure way to send works from here; the fixes above say what to change.\n"
                : "Verdict: you can send through " + report.host() + " on " + String.join(" or ", working)
                        + ", with a password; set the mail client to one of these.\n");
        return out.toString();
    }

    private static void line(StringBuilder out, Finding f) {
        out.append(String.format("%-5s %-4s  %s%n", f.where(), f.level().name().toLowerCase(Locale.ROOT), f.what()));
        if (!f.fix().isEmpty()) {
            out.append(String.format("%-5s %-4s  %s%n", "", "fix", f.fix()));
        }
    }

    private static String json(Finding f) {
        return Json.object("level", Json.string(f.level().name().toLowerCase(Locale.ROOT)), "where", Json.string(f.where()),
                "what", Json.string(f.what()), "fix", Json.string(f.fix()));
    }

    static String json(Probe.Report report) {
        List<String> findings = report.findings().stream().map(ProbeCommand::json).toList();
        List<String> working = report.ports().stream().filter(Probe.PortResult::works).map(p -> Integer.toString(p.port())).toList();
        return Json.object("host", Json.string(report.host()), "works", Boolean.toString(report.works()),
                "working_ports", Json.array(working), "findings", Json.array(findings)) + "\n";
    }
}
