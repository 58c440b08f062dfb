package org.mailgate.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;
import org.mailgate.auth.User;
import org.mailgate.auth.UserFile;
import org.mailgate.config.AddressRange;
import org.mailgate.config.Limits;
import org.mailgate.config.ListenerConfig;
import org.mailgate.config.ListenerKind;
import org.mailgate.config.MailgateConfig;
import org.mailgate.config.StorageConfig;
import org.mailgate.dns.DnsAnswer;
import org.mailgate.dns.HostAddresses;
import org.mailgate.dns.Resolver;
import org.mailgate.mail.CertificateNames;
import org.mailgate.mail.Reply;
import org.mailgate.mailauth.DkimAlgorithm;
import org.mailgate.mailauth.DkimKeyFiles;
import org.mailgate.mailauth.DkimKeyStore;
import org.mailgate.postgres.Database;
import org.mailgate.postgres.Schema;
import org.mailgate.probe.Finding;
import org.mailgate.probe.Probe;
import org.mailgate.probe.TlsOffer;
import org.mailgate.smtp.Extensions;
import org.mailgate.smtp.ReplyParser;

/**
 * `mailgate audit`: is this server configured safely? The config, the data directory's files
 * and, when the server runs, its own listeners, each check a finding with the reason and the fix.
 * What Mailgate never does (AUTH before TLS, an open relay, VRFY telling users) is checked on
 * the wire all the same: a proxy or an old config in front can still do it.
 */
final class Audit {
    private static final int CERTIFICATE_WARNING_DAYS = 21;
    private static final Duration KEY_AGE = Duration.ofDays(365);

    private final MailgateConfig config;
    private final Path dataDir;
    private final Clock clock;
    private final Optional<Resolver> dns;
    private final List<Finding> findings = new ArrayList<>();

    /** @param dns where the domains' records are looked up; empty to skip those checks */
    Audit(MailgateConfig config, Path dataDir, Clock clock, Optional<Resolver> dns) {
        this.config = config;
        this.dataDir = dataDir;
        this.clock = clock;
        this.dns = dns;
    }

    List<Finding> run(Duration timeout) {
        files();
        storage();
        certificate();
        protections();
        users();
        dkim();
        dns.ifPresent(this::records);
        for (ListenerConfig listener : config.listeners()) {
            if (listener(listener, timeout)) {
                tls(listener, timeout);
            }
        }
        return List.copyOf(findings);
    }

    private void files() {
        othersMayRead("the data directory " + dataDir, dataDir, "it holds the queue, the users' password hashes and the DKIM keys",
                "chmod 700 " + dataDir);
        Path users = new UserFile(dataDir).path();
        if (Files.exists(users)) {
            groupOrOthersMayRead("the user file " + users, users, "chmod 600 " + users);
        }
        Path keys = new DkimKeyFiles(dataDir).root();
        if (Files.isDirectory(keys)) {
            try (var walk = Files.walk(keys)) {
                walk.filter(p -> p.toString().endsWith(".key") || p.toString().endsWith(".pem") || Files.isDirectory(p)).forEach(p ->
                        groupOrOthersMayRead("the DKIM key " + p, p, "chmod " + (Files.isDirectory(p) ? "700 " : "600 ") + p));
            } catch (IOException e) {
                findings.add(Finding.warn("files", "the DKIM keys in " + keys + " cannot be listed: " + e.getMessage(), "check their owner"));
            }
        }
        if (config.tls() != null) {
            othersMayRead("the TLS key " + config.tls().key(), config.tls().key(), "anyone on this machine could impersonate the server",
                    "chmod 640 " + config.tls().key() + " (group mailgate)");
        }
        secretFile("the database password file", config.storage().passwordFile());
        if (config.delivery().smartHost() != null) {
            secretFile("the smart host's password file", config.delivery().smartHost().passwordFile());
        }
        if (findings.stream().noneMatch(f -> f.where().equals("files"))) {
            findings.add(Finding.ok("files", "the data directory, the user file, the DKIM keys, the TLS key and the password files are private"));
        }
    }

    private void secretFile(String what, Path file) {
        if (file != null) {
            othersMayRead(what + " " + file, file, "anyone on this machine could log in with it", "chmod 640 " + file + " (group mailgate)");
        }
    }

    private void othersMayRead(String what, Path path, String why, String fix) {
        Optional<Set<PosixFilePermission>> mode = mode(path);
        if (mode.isPresent() && (mode.get().contains(PosixFilePermission.OTHERS_READ) || mode.get().contains(PosixFilePermission.OTHERS_EXECUTE)
                && Files.isDirectory(path))) {
            findings.add(Finding.fail("files", what + " is readable by every user of this machine: " + why, fix));
        }
    }

    private void groupOrOthersMayRead(String what, Path path, String fix) {
        Optional<Set<PosixFilePermission>> mode = mode(path);
        if (mode.isPresent() && (mode.get().contains(PosixFilePermission.OTHERS_READ) || mode.get().contains(PosixFilePermission.GROUP_READ))) {
            findings.add(Finding.fail("files", what + " is readable by other users", fix));
        }
    }

    private static Optional<Set<PosixFilePermission>> mode(Path path) {
        try {
            return Files.exists(path) ? Optional.of(Files.getPosixFilePermissions(path)) : Optional.empty();
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }

    private void certificate() {
        if (config.tls() == null) {
            findings.add(Finding.warn("tls", "a self-signed certificate: verifying clients (Python, curl, msmtp, nodemailer) and servers"
                    + " that check refuse it", "give [tls] a certificate from a public CA, e.g. Let's Encrypt's (README: Certificates)"));
            return;
        }
        X509Certificate leaf;
        try (InputStream in = Files.newInputStream(config.tls().certificate())) {
            leaf = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (IOException | CertificateException e) {
            findings.add(Finding.fail("tls", config.tls().certificate() + " cannot be read: " + e.getMessage(), "mailgate check-config says more"));
            return;
        }
        Instant expires = leaf.getNotAfter().toInstant();
        long days = Duration.between(clock.instant(), expires).toDays();
        if (expires.isBefore(clock.instant())) {
            findings.add(Finding.fail("tls", "the certificate expired " + -days + " days ago", "renew it (certbot renew), then mailgate reload"));
        } else if (days < CERTIFICATE_WARNING_DAYS) {
            findings.add(Finding.warn("tls", "the certificate expires in " + days + " days", "renew it now; certbot renews at 30 days"));
        } else {
            findings.add(Finding.ok("tls", "the certificate is valid for " + days + " more days"));
        }
        List<String> names;
        try {
            names = CertificateNames.of(leaf);
        } catch (CertificateException e) {
            findings.add(Finding.fail("tls", config.tls().certificate() + ": unreadable names: " + e.getMessage(), "get a certificate for " + config.hostname()));
            return;
        }
        if (names.stream().noneMatch(name -> CertificateNames.matches(name, config.hostname()))) {
            findings.add(Finding.fail("tls", "the certificate does not name the hostname " + config.hostname() + " (it names "
                    + String.join(", ", names) + "): clients and servers that verify refuse it", "get a certificate for " + config.hostname()));
        }
    }

    private void protections() {
        if (!config.autoBan().enabled()) {
            findings.add(Finding.warn("limits", "automatic bans are off ([auto-ban] duration = \"0s\"): a password guesser or a relay"
                    + " prober is slowed, never shut out", "set [auto-ban] duration = \"1h\" (the default)"));
        }
        if (config.limits().minPasswordLength() < Limits.DEFAULTS.minPasswordLength()) {
            findings.add(Finding.warn("limits", "min-password-length is " + config.limits().minPasswordLength() + ": short passwords fall to guessing",
                    "at least 8 (NIST SP 800-63B)"));
        }
        everyone("trusted-networks", config.limits().get(Limits.TRUSTED_NETWORKS), "exempts every client from the per-client connection limits");
        for (ListenerConfig listener : config.listeners()) {
            everyone("the trusted-networks of the listener on port " + listener.port(), listener.trustedNetworks(),
                    "exempts every client there from the per-client connection limits");
        }
        everyone("trusted-proxies", config.trustedProxies(), "lets anyone claim any client address with a PROXY header, past bans and limits");
        if (findings.stream().noneMatch(f -> f.where().equals("limits"))) {
            findings.add(Finding.ok("limits", "login throttling, automatic bans, sending limits and connection limits are on"));
        }
    }

    private void everyone(String what, List<AddressRange> ranges, String why) {
        if (ranges.stream().anyMatch(range -> range.toString().endsWith("/0"))) {
            findings.add(Finding.fail("limits", what + " covers the whole Internet: it " + why, "name your own networks only, e.g. 10.0.0.0/8"));
        }
    }

    /** The shared database of [storage] kind = "postgres": does it answer, and is its schema this Mailgate's? */
    private void storage() {
        if (config.storage().kind() != StorageConfig.Kind.POSTGRES) {
            return;
        }
        try (Database database = Database.open(config.storage(), "audit")) {
            Schema.Status status = Schema.status(database);
            findings.add(status.current() ? Finding.ok("storage", "the shared database answers, schema version " + status.version())
                    : Finding.warn("storage", "the database's schema is at version " + status.version() + ", this Mailgate's at " + status.latest(),
                            "mailgate storage migrate --config FILE (the server also migrates at start)"));
        } catch (IOException | SQLException e) {
            findings.add(Finding.fail("storage", "the shared database does not answer: " + e.getMessage(),
                    "check [storage] url, user and password, and that PostgreSQL runs and lets this machine in"));
        }
    }

    private void users() {
        List<User> users;
        try (Storage storage = Storage.openReadOnly(config.storage().kind() == StorageConfig.Kind.POSTGRES ? config : null, dataDir)) {
            users = storage.users().read();
        } catch (IOException e) {
            findings.add(Finding.warn("users", "the users cannot be read: " + e.getMessage(), "run the audit as the server's user"));
            return;
        }
        List<String> anySender = users.stream().filter(User::anySender).map(User::address).toList();
        if (!anySender.isEmpty()) {
            findings.add(Finding.warn("users", "may send as any address (--any-sender): " + String.join(", ", anySender)
                    + "; a stolen password there can forge every sender", "mailgate user sender ADDRESS own, unless it is an application that must"));
        }
        List<String> legacy = users.stream().filter(u -> !u.passwordHash().startsWith("$argon2id$")).map(User::address).toList();
        if (!legacy.isEmpty()) {
            findings.add(Finding.warn("users", "imported bcrypt or SHA-512-crypt hashes, not yet re-hashed to Argon2id (each is at the"
                    + " user's next login): " + String.join(", ", legacy), "nothing, if they log in; a user who never does keeps the"
                    + " old hash: mailgate user passwd, or remove the account"));
        }
        if (anySender.isEmpty() && legacy.isEmpty()) {
            findings.add(Finding.ok("users", users.size() + (users.size() == 1 ? " user" : " users")
                    + ", each sending as their own addresses, with Argon2id hashes"));
        }
    }

    private void dkim() {
        List<DkimKeyStore.StoredKey> keys;
        try {
            keys = Storage.readDkimKeys(config, dataDir);
        } catch (IOException e) {
            findings.add(Finding.warn("dkim", "the DKIM keys cannot be read: " + e.getMessage(), "run the audit as the server's user"));
            return;
        }
        if (!config.dkim().sign()) {
            findings.add(Finding.warn("dkim", "signing is off ([dkim] sign = false): receivers' DMARC checks fail our mail", "[dkim] sign = true"));
            return;
        }
        for (String domain : config.domains()) {
            List<DkimKeyStore.StoredKey> active = keys.stream().filter(k -> k.domain().equals(domain) && k.stage() == DkimKeyStore.Stage.ACTIVE).toList();
            if (active.isEmpty()) {
                findings.add(Finding.warn("dkim", "no active DKIM key for " + domain + ": its mail leaves unsigned, and DMARC fails where SPF"
                        + " does not align", "mailgate dkim keygen " + domain + ", publish the record, then dkim activate"));
            } else if (active.stream().allMatch(k -> k.algorithm() == DkimAlgorithm.ED25519_SHA256)) {
                findings.add(Finding.warn("dkim", domain + " is signed with Ed25519 only: many receivers verify RSA only",
                        "add an RSA key: mailgate dkim keygen " + domain + " --algorithm rsa"));
            } else if (active.stream().anyMatch(k -> k.created().plus(KEY_AGE).isBefore(clock.instant()))) {
                findings.add(Finding.warn("dkim", domain + " has an active key older than a year", "rotate it: keygen, publish, activate, retire"));
            } else {
                findings.add(Finding.ok("dkim", domain + " is signed (" + String.join(", ", active.stream().map(DkimKeyStore.StoredKey::selector).toList()) + ")"));
            }
        }
    }

    /**
     * What each domain publishes, by the checks of `mailgate dns --check` (MX, SPF, DKIM, DMARC,
     * MTA-STS, TLS-RPT, SRV, PTR): a record missing or wrong is a WARN with the line to publish.
     * A resolver that cannot answer at all skips them, said once.
     */
    private void records(Resolver resolver) {
        if (config.domains().isEmpty()) {
            return;
        }
        String first = config.domains().iterator().next();
        if (resolver.mx(first).outcome() == DnsAnswer.Outcome.FAILED) {
            findings.add(Finding.info("dns", "DNS does not answer (" + resolver.mx(first).failure() + "): the domains' records are not checked"));
            return;
        }
        List<DkimKeyStore.StoredKey> keys;
        try {
            keys = Storage.readDkimKeys(config, dataDir);
        } catch (IOException e) {
            keys = List.of();
        }
        Set<InetAddress> sending = new LinkedHashSet<>(DomainRecords.listenerAddresses(config));
        sending.addAll(HostAddresses.lookup(resolver, config.hostname()).addresses());
        for (String domain : config.domains()) {
            List<DkimKeyStore.StoredKey> own = keys.stream().filter(k -> k.domain().equals(domain)).toList();
            int wrong = 0;
            List<DomainRecords.Expected> expected = DomainRecords.of(domain, config, own, sending);
            for (DomainRecords.Expected record : expected) {
                DomainRecords.Verdict verdict = record.check().apply(resolver);
                if (verdict.status() != DomainRecords.Status.OK) {
                    wrong++;
                    findings.add(Finding.warn("dns", domain + ": " + record.comment().lines().findFirst().orElse("") + ": " + verdict.detail(),
                            "publish " + String.join(" and ", record.lines()) + " (mailgate dns " + domain + " prints them all)"));
                }
            }
            if (wrong == 0) {
                findings.add(Finding.ok("dns", domain + ": all " + expected.size() + " records published as mailgate dns prints them"));
            }
        }
    }

    /**
     * On the wire, in the clear, as a stranger: no AUTH before TLS, no relaying, no VRFY answer
     * naming a user. True when the listener answered as an SMTP server, so its TLS can be checked.
     */
    private boolean listener(ListenerConfig listener, Duration timeout) {
        String where = Integer.toString(listener.port());
        String host = loopback(listener);
        if (listener.port() == 0) {
            return false;
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, listener.port()), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            if (listener.kind() == ListenerKind.SUBMISSIONS) {
                findings.add(Finding.ok(where, "TLS from the first byte: nothing, not even AUTH, in the clear"));
                return true;
            }
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            OutputStream out = socket.getOutputStream();
            Reply greeting = Probe.readReply(in);
            if (greeting.code() != 220) {
                findings.add(Finding.info(where, "the listener did not greet us: " + greeting.oneLine()));
                return false;
            }
            Reply ehlo = say(in, out, "EHLO audit.invalid");
            boolean authInTheClear = !Extensions.parse(ehlo.lines()).authMechanisms().isEmpty();
            findings.add(authInTheClear ? Finding.fail(where, "AUTH is offered before TLS: passwords can cross the network in the clear",
                    "offer AUTH only after STARTTLS (a proxy in front may be stripping it)")
                    : Finding.ok(where, "no AUTH before TLS"));
            Reply vrfy = say(in, out, "VRFY postmaster");
            findings.add(vrfy.code() == 250 ? Finding.fail(where, "VRFY confirms addresses (" + vrfy.oneLine() + "): a list of users for"
                    + " spammers", "answer VRFY with 252 (Mailgate does)") : Finding.ok(where, "VRFY names no one (" + vrfy.oneLine() + ")"));
            Reply mail = say(in, out, "MAIL FROM:<audit@audit.invalid>");
            Reply rcpt = mail.code() == 250 ? say(in, out, "RCPT TO:<audit@relay-test.invalid>") : mail;
            findings.add(rcpt.code() == 250 ? Finding.fail(where, "an open relay: a stranger's mail to another domain was accepted",
                    "accept only mail for local domains, or from logged-in users")
                    : Finding.ok(where, "no relaying for strangers (" + rcpt.oneLine() + ")"));
            say(in, out, "QUIT");
            return true;
        } catch (ReplyParser.MalformedReply e) {
            findings.add(Finding.warn(where, "the listener on " + host + ":" + listener.port() + " does not speak SMTP: " + e.getMessage(),
                    "is another program on this port?"));
            return false;
        } catch (IOException e) {
            findings.add(Finding.warn(where, "the listener on " + host + ":" + listener.port() + " cannot be checked: " + e.getMessage(),
                    "start the server (mailgate serve) and audit again for the checks on the wire"));
            return false;
        }
    }

    /**
     * The TLS a listener takes, on the wire: a client's default offer, then one of only weak
     * suites (no forward secrecy, or CBC), which Mailgate refuses and a proxy in front may not.
     * TLS 1.0 and 1.1 are not offered: this Java disables them as a client, and Mailgate as a server.
     */
    private void tls(ListenerConfig listener, Duration timeout) {
        String where = Integer.toString(listener.port());
        InetSocketAddress address = new InetSocketAddress(loopback(listener), listener.port());
        boolean firstByte = listener.kind() == ListenerKind.SUBMISSIONS;
        try {
            switch (TlsOffer.offer(address, firstByte, timeout, List.of("TLSv1.3", "TLSv1.2"), List.of(defaultSuites()))) {
                case TlsOffer.Outcome.Accepted(String protocol, String suite) -> findings.add(Finding.ok(where, "TLS: " + protocol + " " + suite));
                case TlsOffer.Outcome.Refused(String reason) -> {
                    findings.add(Finding.fail(where, "a client's ordinary TLS handshake failed: " + reason, "mailgate check-config; mailgate probe"));
                    return;
                }
                case TlsOffer.Outcome.NoStartTls(String reply) -> {
                    findings.add(Finding.fail(where, "no STARTTLS (" + reply + "): mail and passwords on this port cross in the clear",
                            "offer STARTTLS (Mailgate always does: a proxy in front may be stripping it)"));
                    return;
                }
            }
            if (TlsOffer.WEAK_SUITES.isEmpty()) {
                return;
            }
            if (TlsOffer.offer(address, firstByte, timeout, List.of("TLSv1.2"), TlsOffer.WEAK_SUITES)
                    instanceof TlsOffer.Outcome.Accepted(String protocol, String suite)) {
                findings.add(Finding.fail(where, "TLS below the defaults: " + protocol + " " + suite + " was accepted (no forward secrecy, or CBC)",
                        "allow only ECDHE with AES-GCM or ChaCha20 on TLS 1.2 (Mailgate's own listeners do: is a proxy in front?)"));
            } else {
                findings.add(Finding.ok(where, "TLS 1.2 without forward secrecy or with CBC is refused (" + TlsOffer.WEAK_SUITES.size()
                        + " such suites offered)"));
            }
        } catch (ReplyParser.MalformedReply | IOException e) {
            findings.add(Finding.warn(where, "the TLS check broke off: " + e.getMessage(), "audit again; mailgate probe says more"));
        }
    }

    private static String[] defaultSuites() {
        try {
            return SSLContext.getDefault().getDefaultSSLParameters().getCipherSuites();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no TLS in this Java", e);
        }
    }

    private static String loopback(ListenerConfig listener) {
        return listener.address().equals("0.0.0.0") ? "127.0.0.1" : listener.address().equals("::") ? "::1" : listener.address();
    }

    private static Reply say(BufferedReader in, OutputStream out, String command) throws IOException, ReplyParser.MalformedReply {
        out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return Probe.readReply(in);
    }
}
