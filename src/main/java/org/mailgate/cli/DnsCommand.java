package org.mailgate.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.mailgate.config.ConfigException;
import org.mailgate.config.ConfigLoader;
import org.mailgate.config.MailgateConfig;
import org.mailgate.dns.HostAddresses;
import org.mailgate.dns.Resolver;
import org.mailgate.mailauth.DkimKeyStore;
import org.mailgate.mailauth.DkimKeyStore.StoredKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "dns", mixinStandardHelpOptions = true,
        description = {"Print every DNS record DOMAIN should publish for this server (MX, SPF, DKIM, DMARC, MTA-STS, TLS-RPT, SRV, PTR),",
                "as zone-file lines with a comment each; with --check, say of each whether DNS serves it: OK, MISSING or WRONG (and why).",
                "Exit code 0 only when every record is OK."})
final class DnsCommand implements Callable<Integer> {
    @Parameters(paramLabel = "DOMAIN") String domain;
    @Option(names = "--check", description = "Look each record up and compare.") boolean check;
    @Option(names = "--config", paramLabel = "FILE", description = "The server's config (default: the embedded defaults).") Path configFile;
    @Option(names = "--data-dir", paramLabel = "DIR", description = "Data directory, for the DKIM keys (default: the config's data-dir, else ./mailgate-data).")
    Path dataDir;
    @Mixin DnsOption dns;

    @Override
    public Integer call() throws IOException {
        String name = DkimKeyStore.domainName(domain)
                .orElseThrow(() -> new CommandFailure("expected a domain name such as example.com, got \"" + domain + "\""));
        MailgateConfig config;
        try {
            config = configFile != null ? ConfigLoader.load(configFile) : MailgateConfig.embedded(ServeCommand.localHostname(), null);
        } catch (ConfigException e) {
            throw new CommandFailure(e.getMessage());
        }
        Path dir = DataDirOption.resolve(dataDir, config);
        List<StoredKey> keys = Storage.readDkimKeys(config, dir).stream().filter(k -> k.domain().equals(name)).toList();
        Resolver resolver = check ? dns.resolver() : null;
        Set<InetAddress> sending = new LinkedHashSet<>(DomainRecords.listenerAddresses(config));
        if (check) {
            // where delivery connects from: the addresses of our hostname (the name our EHLO gives)
            sending.addAll(HostAddresses.lookup(resolver, config.hostname()).addresses());
        }
        if (!config.domains().contains(name)) {
            System.out.println("; note: " + name + " is not among the config's domains; it is local only if a user has an address in it");
        }
        if (keys.isEmpty()) {
            System.out.println("; no DKIM key for " + name + " yet: make them with `mailgate dkim keygen " + name + "`");
        }
        int wrong = 0;
        for (DomainRecords.Expected record : DomainRecords.of(name, config, keys, sending)) {
            if (!check) {
                System.out.println("; " + record.comment());
                record.lines().forEach(System.out::println);
                continue;
            }
            DomainRecords.Verdict verdict = record.check().apply(resolver);
            System.out.printf("%-8s %s%n", verdict.status(), record.comment().lines().findFirst().orElse(""));
            System.out.println("         " + verdict.detail());
            if (verdict.status() != DomainRecords.Status.OK) {
                wrong++;
                record.lines().forEach(line -> System.out.println("         publish: " + line));
            }
        }
        if (check) {
            System.out.println(wrong == 0 ? "all records OK" : wrong + " record(s) missing or wrong");
        }
        return wrong == 0 ? 0 : 1;
    }
}
