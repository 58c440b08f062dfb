package org.mailgate.cli;

import java.io.IOException;
import java.time.Clock;
import java.util.List;
import org.mailgate.config.DeliveryConfig;
import org.mailgate.config.HostPort;
import org.mailgate.dns.DnsJavaResolver;
import org.mailgate.dns.Resolver;
import picocli.CommandLine.Option;

/** The --dns-server option of the commands that look at what DNS publishes. */
final class DnsOption {
    @Option(names = "--dns-server", paramLabel = "HOST[:PORT]", description = "Ask this DNS server (default: the system's resolvers).")
    String server;

    /** What the records are compared with; DNSSEC is not asked for: these commands compare values. */
    Resolver resolver() throws IOException {
        DeliveryConfig dns = DeliveryConfig.DEFAULTS.with(DeliveryConfig.DNSSEC, DeliveryConfig.Dnssec.OFF);
        if (server != null) {
            if (HostPort.parse(server, 53).isEmpty()) {
                throw new CommandFailure("--dns-server: expected HOST or HOST:PORT such as 127.0.0.1:5353, got \"" + server + "\"");
            }
            dns = dns.with(DeliveryConfig.DNS_SERVERS, List.of(server));
        }
        return DnsJavaResolver.create(dns, Clock.systemUTC());
    }
}
