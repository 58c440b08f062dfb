package org.mailgate.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.mailgate.config.MailgateConfig;
import org.mailgate.probe.Finding;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "audit", mixinStandardHelpOptions = true,
        description = {"Is this server configured safely? Reads the config and the data directory, checks the running server's own "
                + "listeners on the wire, and reports PASS, WARN or FAIL for each, with the reason and the fix.",
                "Exit status 1 on any FAIL, so it can run from cron or CI."})
final class AuditCommand implements Callable<Integer> {
    @Mixin DataDirOption data;

    @Option(names = "--json", description = "The findings as JSON, for scripts.")
    boolean json;

    @Option(names = "--no-dns", description = "Skip the domains' DNS records (MX, SPF, DKIM, DMARC, MTA-STS, TLS-RPT, SRV, PTR).")
    boolean noDns;

    @Mixin DnsOption dns;

    @Override
    public Integer call() throws IOException {
        MailgateConfig config = data.config().orElseGet(() -> MailgateConfig.embedded(ServeCommand.localHostname(), null));
        Path dir = data.existing();
        List<Finding> findings = new Audit(config, dir, Clock.systemUTC(), noDns ? Optional.empty() : Optional.of(dns.resolver()))
                .run(Duration.ofSeconds(5));
        if (json) {
            System.out.println(Json.array(findings.stream().map(f -> Json.object("level", Json.string(level(f)), "where", Json.string(f.where()),
                    "what", Json.string(f.what()), "fix", Json.string(f.fix()))).toList()));
        } else {
            for (Finding f : findings) {
                System.out.printf("%-4s  %-7s %s%n", level(f).toUpperCase(Locale.ROOT), f.where(), f.what());
                if (!f.fix().isEmpty()) {
                    System.out.printf("%-4s  %-7s %s%n", "", "fix:", f.fix());
                }
            }
            long fail = findings.stream().filter(f -> f.level() == Finding.Level.FAIL).count();
            long warn = findings.stream().filter(f -> f.level() == Finding.Level.WARN).count();
            System.out.println(fail + " to fix, " + warn + " to look at, " + (findings.size() - fail - warn) + " fine");
        }
        return findings.stream().anyMatch(f -> f.level() == Finding.Level.FAIL) ? 1 : 0;
    }

    private static String level(Finding f) {
        return switch (f.level()) {
            case OK -> "pass";
            case INFO -> "info";
            case WARN -> "warn";
            case FAIL -> "fail";
        };
    }
}
