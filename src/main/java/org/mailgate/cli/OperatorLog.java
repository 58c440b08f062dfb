package org.mailgate.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What admins did, in the server's log: each command that changes what the server serves
 * (users, the queue, bans, DKIM keys) leaves a note in DATA/operator, and the running server
 * logs each note within a second and removes it; a note left while no server runs is logged at
 * the next start. So the journal has "alice ran mailgate queue delete ..." beside what followed.
 * The command line is logged as typed: passwords never are on it.
 */
final class OperatorLog {
    private static final Logger log = LoggerFactory.getLogger("operator");

    /** The commands that change the server, as `qualifiedName` spells them. */
    static final Set<String> CHANGES = Set.of("mailgate user add", "mailgate user passwd", "mailgate user remove",
            "mailgate user unlock", "mailgate user alias add", "mailgate user alias remove", "mailgate user sender",
            "mailgate user import", "mailgate queue retry", "mailgate queue hold", "mailgate queue release",
            "mailgate queue bounce", "mailgate queue delete", "mailgate ban add", "mailgate ban remove",
            "mailgate dkim keygen", "mailgate dkim import", "mailgate dkim activate", "mailgate dkim retire");

    private final DropFolder folder;

    OperatorLog(Path dataDir) {
        this.folder = new DropFolder(dataDir.resolve("operator"));
    }

    /** The command side: notes that {@code who} ran {@code args}, with its exit status. */
    void record(String who, List<String> args, int exitCode, Clock clock) throws IOException {
        String note = who + " ran: mailgate " + String.join(" ", args) + (exitCode == 0 ? " (done)" : " (failed, exit status " + exitCode + ")");
        // named by time first, so the server logs them in the order they were done
        folder.put(String.format("%020d-%s.note", clock.millis(), UUID.randomUUID()), note);
    }

    /** The server's side: logs and removes every note waiting. One thread. */
    void drain() {
        try {
            for (Path note : folder.waiting(".note")) {
                log.info("{}", Files.readString(note, StandardCharsets.UTF_8).strip());
                Files.delete(note);
            }
        } catch (IOException e) {
            log.warn("operator notes in {} not read: {}", folder.folder(), e.getMessage());
        }
    }

    /** The admin, as the system knows them: the account the command runs as, and who became it through sudo. */
    static String who() {
        String user = System.getProperty("user.name");
        String sudo = System.getenv("SUDO_USER");
        return sudo != null && !sudo.isBlank() && !sudo.equals(user) ? sudo + " (as " + user + ")" : user;
    }
}
