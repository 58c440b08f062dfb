package org.mailgate.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.mailgate.dns.Resolver;
import org.mailgate.mailauth.DkimAlgorithm;
import org.mailgate.mailauth.DkimKey;
import org.mailgate.mailauth.DkimKeyStore;
import org.mailgate.mailauth.DkimKeyStore.Stage;
import org.mailgate.mailauth.DkimKeyStore.StoredKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "dkim", mixinStandardHelpOptions = true,
        description = {"Make, publish and rotate the DKIM keys submitted mail is signed with: pending -> active -> retiring -> retired.",
                "The running server sees changes within a second."},
        subcommands = {DkimCommand.Keygen.class, DkimCommand.Import.class, DkimCommand.ListKeys.class, DkimCommand.Activate.class,
                DkimCommand.Retire.class})
final class DkimCommand {
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);

    @Command(name = "keygen", mixinStandardHelpOptions = true,
            description = "Make keys for DOMAIN (pending: publish them, then `dkim activate`) and print the DNS records to publish.")
    static final class Keygen implements Callable<Integer> {
        @Parameters(paramLabel = "DOMAIN") String domain;
        @Option(names = "--selector", paramLabel = "S", description = "The selector (default: the date and the algorithm, e.g. 20261202-rsa).")
        String selector;
        @Option(names = "--algorithm", paramLabel = "ALG", defaultValue = "both",
                description = "rsa (2048 bits), ed25519, or both (default: ${DEFAULT-VALUE}; receivers that fail Ed25519 still verify RSA).")
        String algorithm;
        @Mixin DataDirOption data;

        @Override
        public Integer call() throws IOException {
            String name = domain(domain);
            List<DkimAlgorithm> algorithms = switch (algorithm) {
                case "rsa" -> List.of(DkimAlgorithm.RSA_SHA256);
                case "ed25519" -> List.of(DkimAlgorithm.ED25519_SHA256);
                case "both" -> List.of(DkimAlgorithm.RSA_SHA256, DkimAlgorithm.ED25519_SHA256);
                default -> throw new CommandFailure("--algorithm: expected rsa, ed25519 or both, got \"" + algorithm + "\"");
            };
            if (selector != null && algorithms.size() > 1) {
                throw new CommandFailure("--selector names one key: give --algorithm rsa or --algorithm ed25519 with it");
            }
            try (Storage storage = Storage.forCommand(data, true)) {
                DkimKeyStore store = storage.dkimKeys();
                Instant now = Instant.now();
                for (DkimAlgorithm a : algorithms) {
                    String s = selector != null ? selector(selector) : freeSelector(store, name, DAY.format(now) + "-" + a.keyType());
                    printPending(store.add(name, s, DkimKey.generate(a), now));
                }
            }
            return 0;
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "File an existing private key (PEM, PKCS#8 or PKCS#1 as OpenDKIM writes it) as SELECTOR of DOMAIN, pending.")
    static final class Import implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "DOMAIN") String domain;
        @Parameters(index = "1", paramLabel = "SELECTOR") String selector;
        @Parameters(index = "2", paramLabel = "FILE") Path file;
        @Mixin DataDirOption data;

        @Override
        public Integer call() throws IOException {
            DkimKey key;
            try {
                key = DkimKey.fromPem(Files.readString(file, StandardCharsets.US_ASCII));
            } catch (java.nio.file.NoSuchFileException e) {
                throw new CommandFailure(file + ": no such file");
            } catch (GeneralSecurityException e) {
                throw new CommandFailure(file + ": " + e.getMessage());
            }
            try (Storage storage = Storage.forCommand(data, true)) {
                printPending(storage.dkimKeys().add(domain(domain), selector(selector), key, Instant.now()));
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Every key: domain, selector, algorithm, stage, created, and whether DNS serves its record now.")
    static final class ListKeys implements Callable<Integer> {
        @Option(names = "--json", description = "One JSON array, for scripts.") boolean json;
        @Mixin DataDirOption data;
        @Mixin DnsOption dns;

        @Override
        public Integer call() throws IOException {
            List<StoredKey> keys;
            try (Storage storage = Storage.forCommand(data)) {
                keys = storage.dkimKeys().list();
            }
            Resolver resolver = dns.resolver();
            List<String> objects = new ArrayList<>();
            for (StoredKey key : keys) {
                String published = key.stage() == Stage.RETIRED ? "not looked up" : published(resolver, key);
                if (json) {
                    objects.add(Json.object("domain", Json.string(key.domain()), "selector", Json.string(key.selector()),
                            "algorithm", Json.string(key.algorithm().keyType()), "stage", Json.string(key.stage().label()),
                            "created", Json.string(key.created().toString()), "changed", Json.string(key.changed().toString()),
                            "dns", Json.string(published), "record", Json.string(key.record())));
                } else {
                    System.out.printf("%-24s %-22s %-8s %-9s created %s  DNS: %s%n", key.domain(), key.selector(), key.algorithm().keyType(),
                            key.stage().label(), key.created().truncatedTo(java.time.temporal.ChronoUnit.SECONDS), published);
                }
            }
            if (json) {
                System.out.println(Json.array(objects));
            } else if (keys.isEmpty()) {
                System.out.println("no DKIM keys; make some with: mailgate dkim keygen DOMAIN");
            }
            return 0;
        }
    }

    @Command(name = "activate", mixinStandardHelpOptions = true,
            description = {"Sign with SELECTOR from now on; the active key of the same algorithm becomes retiring.",
                    "Refused unless DNS serves the key's record (--force to skip the check)."})
    static final class Activate implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "DOMAIN") String domain;
        @Parameters(index = "1", paramLabel = "SELECTOR") String selector;
        @Option(names = "--force", description = "Activate even when DNS does not serve the record (receivers will fail the signatures).")
        boolean force;
        @Mixin DataDirOption data;
        @Mixin DnsOption dns;

        @Override
        public Integer call() throws IOException {
            try (Storage storage = Storage.forCommand(data)) {
                DkimKeyStore store = storage.dkimKeys();
                StoredKey key = find(store, domain, selector);
                if (key.stage() != Stage.PENDING && key.stage() != Stage.RETIRING) {
                    throw new CommandFailure(key.selector() + " of " + key.domain() + " is " + key.stage().label() + "; only a pending or retiring key can be activated");
                }
                if (!force) {
                    DomainRecords.Verdict published = DomainRecords.dkim(dns.resolver(), key);
                    if (published.status() != DomainRecords.Status.OK) {
                        throw new CommandFailure("DNS does not serve the record of " + key.recordName() + " (" + published.detail() + "); publish\n"
                                + zoneLine(key) + "\nand try again once it is visible (or --force)");
                    }
                }
                Instant now = Instant.now();
                for (StoredKey other : store.list()) {
                    if (other.domain().equals(key.domain()) && other.algorithm() == key.algorithm() && other.stage() == Stage.ACTIVE) {
                        store.move(other, Stage.RETIRING, now);
                        System.out.println(other.selector() + " of " + other.domain() + " is retiring: keep its record published for a few days"
                                + " (mail in flight is verified with it), then run `mailgate dkim retire " + other.domain() + " " + other.selector() + "`");
                    }
                }
                store.move(key, Stage.ACTIVE, now);
                System.out.println(key.selector() + " of " + key.domain() + " is active: submitted mail from " + key.domain() + " is signed with it");
            }
            return 0;
        }
    }

    @Command(name = "retire", mixinStandardHelpOptions = true,
            description = "Retire SELECTOR of DOMAIN: its private key is deleted; remove its DNS record.")
    static final class Retire implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "DOMAIN") String domain;
        @Parameters(index = "1", paramLabel = "SELECTOR") String selector;
        @Option(names = "--force", description = "Retire an active or pending key too (mail from its domain is then signed with the other keys, if any).")
        boolean force;
        @Mixin DataDirOption data;

        @Override
        public Integer call() throws IOException {
            try (Storage storage = Storage.forCommand(data)) {
                DkimKeyStore store = storage.dkimKeys();
                StoredKey key = find(store, domain, selector);
                if (key.stage() == Stage.RETIRED) {
                    throw new CommandFailure(key.selector() + " of " + key.domain() + " is retired already");
                }
                if (key.stage() != Stage.RETIRING && !force) {
                    throw new CommandFailure(key.selector() + " of " + key.domain() + " is " + key.stage().label()
                            + (key.stage() == Stage.ACTIVE ? "; activate its successor first (it becomes retiring), or --force" : "; --force to retire it anyway"));
                }
                store.move(key, Stage.RETIRED, Instant.now());
                System.out.println(key.selector() + " of " + key.domain() + " is retired and its private key deleted; remove the TXT record "
                        + key.recordName() + ".");
            }
            return 0;
        }
    }

    /** What to do with a new key: its record, with the next step as a comment. */
    private static void printPending(StoredKey key) {
        System.out.println("; " + key.algorithm().keyType() + " key " + key.selector() + " of " + key.domain() + " ("
                + key.key().map(DkimKey::bits).orElse(0) + " bits), pending: publish this record, then run `mailgate dkim activate "
                + key.domain() + " " + key.selector() + "`");
        System.out.println(zoneLine(key));
    }

    /** What `dkim list` says of a key's record: published, missing, or what is wrong with what DNS serves. */
    private static String published(Resolver resolver, StoredKey key) {
        DomainRecords.Verdict verdict = DomainRecords.dkim(resolver, key);
        return switch (verdict.status()) {
            case OK -> "published";
            case MISSING -> "missing";
            case WRONG -> verdict.detail();
        };
    }

    /** One zone-file line; TXT strings are at most 255 octets (RFC 1035 3.3.14), so a long record is several. */
    static String zoneLine(StoredKey key) {
        String record = key.record();
        StringBuilder line = new StringBuilder(key.recordName()).append(". 3600 IN TXT");
        for (int i = 0; i < record.length(); i += 255) {
            line.append(" \"").append(record, i, Math.min(record.length(), i + 255)).append('"');
        }
        return line.toString();
    }

    private static StoredKey find(DkimKeyStore store, String domain, String selector) throws IOException {
        String name = domain(domain);
        return store.find(name, selector).orElseThrow(() -> new CommandFailure("no key " + selector + " of " + name + "; see: mailgate dkim list"));
    }

    private static String domain(String text) {
        return DkimKeyStore.domainName(text).orElseThrow(() -> new CommandFailure("expected a domain name such as example.com, got \"" + text + "\""));
    }

    private static String selector(String text) {
        if (!DkimKeyStore.validSelector(text)) {
            throw new CommandFailure("expected a selector of lowercase letters, digits and hyphens such as 2026a, got \"" + text + "\"");
        }
        return text;
    }

    private static String freeSelector(DkimKeyStore store, String domain, String base) throws IOException {
        String selector = base;
        for (int n = 2; store.find(domain, selector).isPresent(); n++) {
            selector = base + "-" + n;
        }
        return selector;
    }
}
