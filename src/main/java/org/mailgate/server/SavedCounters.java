package org.mailgate.server;

import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.mailgate.auth.LockedTextFile;
import org.mailgate.auth.LoginThrottle;
import org.mailgate.auth.RecentEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The counters a one-node server keeps across a restart, in the data directory's {@code
 * counters} file (0600: it holds the password-tag key): failed logins, lockouts, known-good
 * addresses, the messages each user sent and the offences behind automatic bans. The server writes it every half minute and when it
 * stops, so a crash forgets at most the last thirty seconds; with a shared database the counters
 * live there instead. Keys (accounts as a client typed them) are URL-encoded: nothing a client
 * sends can break a line.
 */
final class SavedCounters {
    private static final Logger log = LoggerFactory.getLogger(SavedCounters.class);
    static final String NAME = "counters";

    /** What the file holds. */
    record Counters(LoginThrottle.Saved logins, List<RecentEvents.Entry> sent, List<RecentEvents.Entry> offences) {}

    private final LockedTextFile file;

    SavedCounters(Path dataDir) {
        this.file = new LockedTextFile(dataDir.resolve(NAME));
    }

    /** What the last run saved; empty when there is nothing, or nothing readable (then counting starts over, and the log says so). */
    Optional<Counters> read() {
        try {
            List<String> lines = file.lines();
            return lines.isEmpty() ? Optional.empty() : Optional.of(parse(lines));
        } catch (IOException | RuntimeException e) {
            log.warn("{}: not read, failed logins and sending limits count from zero: {}", file.path(), e.getMessage());
            return Optional.empty();
        }
    }

    void write(Counters counters) {
        List<String> lines = new ArrayList<>();
        lines.add("# Mailgate counters, written by the running server: failed logins, lockouts, messages sent, offences");
        LoginThrottle.Saved logins = counters.logins();
        lines.add("tag-key " + Base64.getEncoder().encodeToString(logins.key()));
        logins.clientFailures().forEach(e -> lines.add(event("failed-client", e)));
        logins.accountFailures().forEach(e -> lines.add(event("failed-account", e)));
        logins.lockedClients().forEach(l -> lines.add("locked-client " + encode(l.who()) + " " + l.until()));
        logins.lockedAccounts().forEach(l -> lines.add("locked-account " + encode(l.who()) + " " + l.until()));
        logins.knownGood().forEach(k -> lines.add("known-good " + encode(k.account()) + " " + encode(k.client()) + " " + k.until()));
        counters.sent().forEach(e -> lines.add(event("sent", e)));
        counters.offences().forEach(e -> lines.add(event("offence", e)));
        try {
            file.update(previous -> lines);
        } catch (IOException e) {
            log.error("{} not written: {}", file.path(), e.getMessage());
        }
    }

    private static String event(String kind, RecentEvents.Entry e) {
        return kind + " " + encode(e.key()) + " " + e.at() + " " + e.weight() + " " + e.tag();
    }

    private Counters parse(List<String> lines) throws IOException {
        byte[] key = null;
        List<RecentEvents.Entry> clients = new ArrayList<>();
        List<RecentEvents.Entry> accounts = new ArrayList<>();
        List<LoginThrottle.Lock> lockedClients = new ArrayList<>();
        List<LoginThrottle.Lock> lockedAccounts = new ArrayList<>();
        List<LoginThrottle.KnownGood> good = new ArrayList<>();
        List<RecentEvents.Entry> sent = new ArrayList<>();
        List<RecentEvents.Entry> offences = new ArrayList<>();
        for (String line : lines) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split(" ", -1); // an empty key (an empty account name) stays a field
            switch (f[0]) {
                case "tag-key" -> key = Base64.getDecoder().decode(f[1]);
                case "failed-client" -> clients.add(entry(f));
                case "failed-account" -> accounts.add(entry(f));
                case "locked-client" -> lockedClients.add(new LoginThrottle.Lock(decode(f[1]), Long.parseLong(f[2])));
                case "locked-account" -> lockedAccounts.add(new LoginThrottle.Lock(decode(f[1]), Long.parseLong(f[2])));
                case "known-good" -> good.add(new LoginThrottle.KnownGood(decode(f[1]), decode(f[2]), Long.parseLong(f[3])));
                case "sent" -> sent.add(entry(f));
                case "offence" -> offences.add(entry(f));
                default -> throw new IOException("unknown line \"" + f[0] + " ...\"");
            }
        }
        if (key == null) {
            throw new IOException("no tag-key line");
        }
        return new Counters(new LoginThrottle.Saved(key, clients, accounts, lockedClients, lockedAccounts, good), sent, offences);
    }

    private static RecentEvents.Entry entry(String[] f) {
        return new RecentEvents.Entry(decode(f[1]), Long.parseLong(f[2]), Integer.parseInt(f[3]), Long.parseLong(f[4]));
    }

    private static String encode(String key) {
        return URLEncoder.encode(key, StandardCharsets.UTF_8);
    }

    private static String decode(String key) {
        return URLDecoder.decode(key, StandardCharsets.UTF_8);
    }
}
