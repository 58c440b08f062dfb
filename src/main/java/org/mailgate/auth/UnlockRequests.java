package org.mailgate.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How `mailgate user unlock` (another process) reaches the running server's login throttle,
 * which lives in its memory: one file per request in DATA/unlock, written whole and renamed into
 * place; the server applies and deletes each within a second. A file per request, so two admins
 * never overwrite each other and the server never reads half of one.
 */
public final class UnlockRequests {
    private static final Logger log = LoggerFactory.getLogger(UnlockRequests.class);
    private static final String FOLDER = "unlock";

    private final Path folder;

    public UnlockRequests(Path dataDir) {
        this.folder = dataDir.resolve(FOLDER);
    }

    /** Asks for {@code who} (an account address, or a client's key) to be unlocked. */
    public void request(String who) throws IOException {
        Files.createDirectories(folder, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path temporary = folder.resolve("." + UUID.randomUUID());
        Files.writeString(temporary, who + "\n", StandardCharsets.UTF_8);
        Files.move(temporary, folder.resolve(UUID.randomUUID() + ".request"), StandardCopyOption.ATOMIC_MOVE);
    }

    /** Applies and deletes every request waiting; call from one housekeeping thread. */
    public void apply(LoginThrottle throttle) {
        if (!Files.isDirectory(folder)) {
            return;
        }
        try (DirectoryStream<Path> requests = Files.newDirectoryStream(folder, "*.request")) {
            for (Path request : requests) {
                String who = Files.readString(request, StandardCharsets.UTF_8).strip();
                if (!throttle.unlock(who)) {
                    log.info("unlock of {} asked: it was not locked out", who);
                }
                Files.delete(request);
            }
        } catch (IOException e) {
            log.warn("unlock requests in {} not read: {}", folder, e.getMessage());
        }
    }
}
