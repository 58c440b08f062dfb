package org.mailgate.auth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The user directory of a running server: reloads the user file when it changes, so `mailgate
 * user ...` takes effect without a restart. A broken file is logged and the last good snapshot kept.
 */
public final class LiveUserDirectory implements Supplier<UserDirectory> {
    private static final Logger log = LoggerFactory.getLogger(LiveUserDirectory.class);

    private final UserFile file;
    private volatile UserDirectory current = UserDirectory.EMPTY;
    private Stamp lastSeen;

    /** What tells a changed file: the rename that replaces it gives a new inode. */
    private record Stamp(FileTime modified, long size, Object fileKey) {}

    public LiveUserDirectory(UserFile file) throws IOException {
        this.file = file;
        current = new UserDirectory(file.read());
        lastSeen = stamp();
    }

    @Override
    public UserDirectory get() {
        return current;
    }

    /** Reloads when the file changed; call from one thread, off the event loops. */
    public void refresh() {
        try {
            Stamp stamp = stamp();
            if (Objects.equals(stamp, lastSeen)) {
                return;
            }
            current = new UserDirectory(file.read());
            lastSeen = stamp;
            log.info("users reloaded: {} users", current.users().size());
        } catch (IOException e) {
            log.error("user file not reloaded, keeping {} users: {}", current.users().size(), e.getMessage());
        }
    }

    private Stamp stamp() throws IOException {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file.path(), BasicFileAttributes.class);
            return new Stamp(attributes.lastModifiedTime(), attributes.size(), attributes.fileKey());
        } catch (NoSuchFileException absent) {
            return null;
        }
    }
}
