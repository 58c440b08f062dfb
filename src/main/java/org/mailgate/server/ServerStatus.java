package org.mailgate.server;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.mailgate.auth.LockedTextFile;
import org.mailgate.auth.LoginThrottle;
import org.mailgate.policy.SendingLimits;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the running server knows that the admin wants to see from the CLI (`mailgate user list`):
 * each user's recent sending counts and the login lockouts in force, written to the data
 * directory's {@code status} file when they change.
 */
public final class ServerStatus {
    private static final Logger log = LoggerFactory.getLogger(ServerStatus.class);
    static final String NAME = "status";

    private final LockedTextFile file;
    private final LoginThrottle throttle;
    private final SendingLimits sending;
    private List<String> written;

    ServerStatus(Path dataDir, LoginThrottle throttle, SendingLimits sending) {
        this.file = new LockedTextFile(dataDir.resolve(NAME));
        this.throttle = throttle;
        this.sending = sending;
    }

    /** The last status the server wrote, as `user list` shows it: per user, the sending counts and any lockout; empty when there is none. */
    public static Map<String, String> read(Path dataDir) throws IOException {
        Map<String, String> byUser = new TreeMap<>();
        for (String line : new LockedTextFile(dataDir.resolve(NAME)).lines()) {
            String[] fields = line.split(" ", 3);
            if (fields.length == 3 && fields[0].equals("user")) {
                byUser.put(fields[1], fields[2]);
            }
        }
        return byUser;
    }

    /**
     * What `user list` shows of each user: what they sent in the last hour and day, and a lockout
     * in force ("LOCKED (failed logins) until=..."), from this server or (several nodes) from the
     * shared database.
     */
    public static Map<String, String> describe(Map<String, SendingLimits.Usage> usage, Map<String, Instant> lockedAccounts) {
        Map<String, String> byUser = new TreeMap<>();
        usage.forEach((user, u) -> byUser.put(user, "sent messages/1h=" + u.messagesHour() + " messages/24h=" + u.messagesDay()
                + " recipients/1h=" + u.recipientsHour() + " recipients/24h=" + u.recipientsDay()));
        lockedAccounts.forEach((who, until) -> byUser.merge(who, "LOCKED (failed logins) until=" + until, (a, b) -> a + ", " + b));
        return byUser;
    }

    /** Writes the status when it changed; runs on the housekeeping thread. */
    void write() {
        List<String> lines = new ArrayList<>();
        lines.add("# Mailgate status, written by the running server when it changes");
        Map<String, SendingLimits.Usage> usage = new TreeMap<>();
        sending.users().forEach(user -> usage.put(user, sending.usage(user)));
        Map<String, Instant> locked = new TreeMap<>();
        throttle.lockedAccounts().forEach(lock -> locked.put(lock.who(), Instant.ofEpochMilli(lock.until())));
        describe(usage, locked).forEach((user, text) -> lines.add("user " + user + " " + text));
        throttle.lockedClients().forEach(lock -> lines.add("locked-client " + lock.who() + " until=" + Instant.ofEpochMilli(lock.until())));
        if (lines.equals(written)) {
            return;
        }
        try {
            file.update(previous -> lines);
            written = lines;
        } catch (IOException e) {
            log.error("status file not written: {}", e.getMessage());
        }
    }
}
