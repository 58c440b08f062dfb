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

    /**
     * The last status the server wrote: per user, "messages-hour=N messages-day=N recipients-hour=N
     * recipients-day=N" and any lockout ("locked until ..."); empty when there is none.
     */
    public static Map<String, String> read(Path dataDir) throws IOException {
        Map<String, String> byUser = new TreeMap<>();
        for (String line : new LockedTextFile(dataDir.resolve(NAME)).lines()) {
            String[] fields = line.split(" ", 3);
            if (fields.length == 3 && fields[0].equals("sent")) {
                byUser.merge(fields[1], "sent " + fields[2].replace("-hour=", "/1h=").replace("-day=", "/24h="), (a, b) -> a + ", " + b);
            } else if (fields.length == 3 && fields[0].equals("locked-account")) {
                byUser.merge(fields[1], "LOCKED (failed logins) " + fields[2], (a, b) -> a + ", " + b);
            }
        }
        return byUser;
    }

    /** A user's counts as `user list` shows them, from the file or (several nodes) from the shared database. */
    public static String describe(SendingLimits.Usage u) {
        return "sent messages/1h=" + u.messagesHour() + " messages/24h=" + u.messagesDay() + " recipients/1h=" + u.recipientsHour()
                + " recipients/24h=" + u.recipientsDay();
    }

    /** An account's lockout as `user list` shows it. */
    public static String describeLock(Instant until) {
        return "LOCKED (failed logins) until=" + until;
    }

    /** Writes the status when it changed; runs on the housekeeping thread. */
    void write() {
        List<String> lines = new ArrayList<>();
        lines.add("# Mailgate status, written by the running server when it changes");
        for (String user : sending.users()) {
            SendingLimits.Usage u = sending.usage(user);
            lines.add("sent " + user + " messages-hour=" + u.messagesHour() + " messages-day=" + u.messagesDay()
                    + " recipients-hour=" + u.recipientsHour() + " recipients-day=" + u.recipientsDay());
        }
        throttle.lockedAccounts().forEach(lock -> lines.add("locked-account " + lock.who() + " until=" + Instant.ofEpochMilli(lock.until())));
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
