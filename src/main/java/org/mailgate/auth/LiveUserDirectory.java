package org.mailgate.auth;

import java.io.IOException;
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
    private FileStamp lastSeen;

    public LiveUserDirectory(UserFile file) throws IOException {
        this.file = file;
        current = new UserDirectory(file.read());
        lastSeen = FileStamp.of(file.path());
    }

    @Override
    public UserDirectory get() {
        return current;
    }

    /**
     * Writes {@code newHash} for {@code user}, if the file still has the hash the login matched
     * (an admin's `user passwd` in between wins), and reads the file again. Off the event loops.
     */
    public synchronized void upgrade(User user, String newHash) {
        try {
            file.update(users -> users.stream().map(u -> u.address().equals(user.address()) && u.passwordHash().equals(user.passwordHash())
                    ? u.withPasswordHash(newHash) : u).toList());
            log.info("{}: password hash upgraded to Argon2id at login (it was {})", user.address(), PasswordHashes.scheme(user.passwordHash()));
        } catch (IOException e) {
            log.warn("{}: password hash not upgraded, the old one stays: {}", user.address(), e.getMessage());
        }
        refresh();
    }

    /** Reloads when the file changed; call from one thread, off the event loops. */
    public synchronized void refresh() {
        try {
            FileStamp stamp = FileStamp.of(file.path());
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

}
