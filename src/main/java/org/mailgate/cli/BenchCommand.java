package org.mailgate.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.mailgate.bench.BenchOptions;
import org.mailgate.bench.BenchReport;
import org.mailgate.bench.ConnectionHolder;
import org.mailgate.bench.LoadGenerator;
import org.mailgate.bench.Security;
import org.mailgate.config.AddressRange;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Load an SMTP server and report messages/s, sessions/s, latency and errors.",
            "Stops at --total messages or after --duration, whichever comes first.",
            "With --hold N, opens N connections instead, holds them idle, and reports how many stayed open."})
final class BenchCommand implements Callable<Integer> {
    @Parameters(paramLabel = "HOST:PORT", description = "The server to load, e.g. 127.0.0.1:1025.")
    String target;

    @Option(names = "--tls", paramLabel = "MODE", description = "none, starttls or implicit (default: ${DEFAULT-VALUE}).", defaultValue = "none")
    String tls;

    @Option(names = "--auth-user", paramLabel = "USER", description = "AUTH PLAIN as USER; the password comes from --password-stdin or $MAILGATE_BENCH_PASSWORD.")
    String user;

    @Option(names = "--password-stdin", description = "Read the AUTH password from standard input.")
    boolean passwordStdin;

    @Option(names = {"-s", "--sessions"}, paramLabel = "N", description = "Sessions in parallel (default: ${DEFAULT-VALUE}).", defaultValue = "10")
    int sessions;

    @Option(names = {"-m", "--messages-per-session"}, paramLabel = "N", description = "Messages per connection (default: ${DEFAULT-VALUE}).", defaultValue = "1")
    int perSession;

    @Option(names = {"-l", "--size"}, paramLabel = "BYTES", description = "Message size in bytes (default: ${DEFAULT-VALUE}).", defaultValue = "1024")
    int size;

    @Option(names = "--data", paramLabel = "FILE", description = "Send this message (RFC 5322, as swaks --data) instead of a generated one; --size then does not apply.")
    Path data;

    @Option(names = {"-n", "--total"}, paramLabel = "N", description = "Messages in all (default: ${DEFAULT-VALUE}).", defaultValue = "1000")
    long total;

    @Option(names = {"-d", "--duration"}, paramLabel = "SECONDS", description = "Longest run in seconds (default: ${DEFAULT-VALUE}).", defaultValue = "60")
    double duration;

    @Option(names = "--from", defaultValue = "bench@bench.mailgate.test", description = "Envelope sender (default: ${DEFAULT-VALUE}).")
    String from;

    @Option(names = "--to", defaultValue = "sink@example.com", description = "Envelope recipient (default: ${DEFAULT-VALUE}).")
    String to;

    @Option(names = "--warmup", paramLabel = "SECONDS", defaultValue = "0",
            description = "Run the load this long first, unmeasured, so neither side is measured cold (default: ${DEFAULT-VALUE}).")
    double warmup;

    @Option(names = "--source", paramLabel = "ADDRESS", split = ",",
            description = "Connect from these local addresses in turn (e.g. 127.0.0.2,127.0.0.3): several clients from one machine.")
    List<String> sources = List.of();

    @Option(names = "--rate", paramLabel = "N", defaultValue = "0",
            description = "Start at most N sessions per second in all (default: as fast as they go).")
    double rate;

    @Option(names = "--hold", paramLabel = "N", description = "Hold N idle connections instead of sending mail.")
    Integer hold;

    @Option(names = "--hold-time", paramLabel = "SECONDS", defaultValue = "10", description = "How long to hold them (default: ${DEFAULT-VALUE}).")
    double holdTime;

    @Option(names = "--json", description = "Print one JSON object, for scripts.")
    boolean json;

    @Override
    public Integer call() throws IOException, InterruptedException {
        int colon = target.lastIndexOf(':');
        if (colon <= 0) {
            throw new CommandFailure("target must be HOST:PORT, got \"" + target + "\"");
        }
        int port = parsePort(target.substring(colon + 1));
        Security security = switch (tls) {
            case "none" -> Security.PLAIN;
            case "starttls" -> Security.STARTTLS;
            case "implicit" -> Security.IMPLICIT;
            default -> throw new CommandFailure("--tls must be none, starttls or implicit, not \"" + tls + "\"");
        };
        if (sessions < 1 || perSession < 1 || size < 200 || total < 1 || duration <= 0 || rate < 0) {
            throw new CommandFailure("--sessions, --messages-per-session and --total must be at least 1, --size at least 200, "
                    + "--duration positive, --rate not negative");
        }
        for (String source : sources) {
            if (!AddressRange.isAddressLiteral(source)) {
                throw new CommandFailure("--source must be IP addresses of this machine, got \"" + source + "\"");
            }
        }
        String password = user == null ? null : password();
        byte[] message;
        try {
            message = data == null ? LoadGenerator.message(size, from, to) : LoadGenerator.message(Files.readAllBytes(data));
        } catch (NoSuchFileException e) {
            throw new CommandFailure("--data " + data + ": no such file");
        } catch (IOException e) {
            throw new CommandFailure("--data " + data + ": cannot read it: " + e.getMessage());
        }
        BenchOptions options = new BenchOptions(target.substring(0, colon).replaceAll("^\\[|]$", ""), port, security, user, password,
                sessions, perSession, message, total, seconds(duration), from, to, sources, rate);
        if (hold != null) {
            ConnectionHolder.Report report = ConnectionHolder.run(options, hold, seconds(holdTime), Math.min(hold, 1000));
            System.out.println(json ? holdJson(report) : holdText(report));
            return 0;
        }
        if (warmup > 0) {
            LoadGenerator.run(options.withBounds(Long.MAX_VALUE, seconds(warmup)));
        }
        BenchReport report = LoadGenerator.run(options);
        System.out.println(json ? json(report) : text(report));
        if (report.messages() == 0) {
            System.err.println("mailgate: no message was accepted; errors: " + (report.errors().isEmpty() ? "none" : report.errors()));
            return 1;
        }
        return 0;
    }

    private static Duration seconds(double value) {
        return Duration.ofMillis((long) (value * 1000));
    }

    private static int parsePort(String text) {
        try {
            int port = Integer.parseInt(text);
            if (port > 0 && port < 65536) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new CommandFailure("port must be from 1 to 65535, got \"" + text + "\"");
    }

    private String password() throws IOException {
        String password = passwordStdin
                ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine()
                : System.getenv("MAILGATE_BENCH_PASSWORD");
        if (password == null || password.isEmpty()) {
            throw new CommandFailure("--auth-user needs a password: --password-stdin or $MAILGATE_BENCH_PASSWORD");
        }
        return password;
    }

    private static String text(BenchReport r) {
        return String.format("""
                messages:   %d (%.1f/s)
                sessions:   %d (%.1f/s)
                latency ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f  (MAIL to the 250 after the content)
                session ms: p50 %.2f  p99 %.2f  (connect, TLS, AUTH, to the 250 after the last message)
                errors:     %s
                bytes sent: %d in %.2f s""",
                r.messages(), r.messagesPerSecond(), r.sessions(), r.sessionsPerSecond(),
                r.latencyMillis(50), r.latencyMillis(90), r.latencyMillis(99), r.maxLatencyMillis(),
                r.sessionLatencyMillis(50), r.sessionLatencyMillis(99),
                r.errors().isEmpty() ? "none" : r.errors(), r.bytesSent(), r.elapsed().toNanos() / 1e9);
    }

    private static String json(BenchReport r) {
        return Json.object(
                "messages", Long.toString(r.messages()),
                "messages_per_second", number(r.messagesPerSecond()),
                "sessions", Long.toString(r.sessions()),
                "sessions_per_second", number(r.sessionsPerSecond()),
                "latency_ms", Json.object("p50", number(r.latencyMillis(50)), "p90", number(r.latencyMillis(90)),
                        "p99", number(r.latencyMillis(99)), "max", number(r.maxLatencyMillis())),
                "session_latency_ms", Json.object("p50", number(r.sessionLatencyMillis(50)), "p99", number(r.sessionLatencyMillis(99))),
                "errors", errors(r.errors()),
                "bytes_sent", Long.toString(r.bytesSent()),
                "seconds", number(r.elapsed().toNanos() / 1e9));
    }

    private static String holdText(ConnectionHolder.Report r) {
        return String.format("""
                requested:  %d connections
                opened:     %d in %.2f s
                still open: %d after the hold
                errors:     %s""", r.requested(), r.opened(), r.openTime().toNanos() / 1e9, r.stillOpen(),
                r.errors().isEmpty() ? "none" : r.errors());
    }

    private static String holdJson(ConnectionHolder.Report r) {
        return Json.object("requested", Integer.toString(r.requested()), "opened", Long.toString(r.opened()),
                "still_open", Long.toString(r.stillOpen()), "open_seconds", number(r.openTime().toNanos() / 1e9),
                "errors", errors(r.errors()));
    }

    private static String errors(Map<String, Long> errors) {
        List<String> pairs = errors.entrySet().stream().flatMap(e -> Stream.of(e.getKey(), Long.toString(e.getValue()))).toList();
        return Json.object(pairs.toArray(String[]::new));
    }

    private static String number(double value) {
        return String.format(Locale.ROOT, "%.3f", value);
    }
}
