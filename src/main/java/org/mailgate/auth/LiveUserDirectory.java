package org.mailgate.auth;

import java.io.IOException;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The user directory of a running server: reads the users again when they change (the user
 * file, or the shared database), so `mailgate user ...` takes effect without a restart. A broken
 * file or a database that does not answer is logged and the last good snapshot kept.
 */
public final class LiveUserDirectory implements Supplier<UserDirectory> {
    private static final Logger log = LoggerFactory.getLogger(LiveUserDirectory.class);

    private final UserStore store;
    private volatile UserDirectory current = UserDirectory.EMPTY;
    private Object lastSeen;
    private boolean unreadable;

    public LiveUserDirectory(UserStore store) throws IOException {
        this.store = store;
        lastSeen = store.version();
        current = new UserDirectory(store.read());
    }

    @Override
    public UserDirectory get() {
        return current;
    }

    /**
     * Writes {@code newHash} for {@code user}, if the store still has the hash the login matched
     * (an admin's `user passwd` in between wins), and reads the users again. Off the event loops.
     */
    public synchronized void upgrade(User user, String newHash) {
        try {
            store.update(users -> users.stream().map(u -> u.address().equals(user.address()) && u.passwordHash().equals(user.passwordHash())
                    ? u.withPasswordHash(newHash) : u).toList());
            log.info("{}: password hash upgraded to Argon2id at login (it was {})", user.address(), PasswordHashes.scheme(user.passwordHash()));
        } catch (IOException e) {
            log.warn("{}: password hash not upgraded, the old one stays: {}", user.address(), e.getMessage());
        }
        refresh();
    }

    /** Reads the users again when they changed; call from one thread, off the event loops. */
    public synchronized void refresh() {
        try {
            Object stamp = store.version();
            if (unreadable) {
                unreadable = false;
                log.info("users readable again in {}", store.describe());
            }
            if (Objects.equals(stamp, lastSeen)) {
                return;
            }
            current = new UserDirectory(store.read());
            lastSeen = stamp;
            log.info("users reloaded: {} users", current.users().size());
        } catch (IOException e) {
            if (!unreadable) { // said once, not every second while a database is down
                unreadable = true;
                log.error("users not reloaded from {}, keeping {} users: {}", store.describe(), current.users().size(), e.getMessage());
            }
        }
    }

}
