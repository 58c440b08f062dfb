package org.mailgate.server;

import java.nio.file.Path;
import java.util.Optional;
import org.mailgate.auth.SharedEvents;
import org.mailgate.auth.SharedLogins;
import org.mailgate.policy.BanFile;
import org.mailgate.policy.BanStore;

/**
 * Where the server keeps what it counts and refuses beside the queue and the users: the data
 * directory's files (the bans, and the counters saved across a restart), or a database every
 * node shares (bans, failed logins, messages sent, offences).
 *
 * @param shared empty: one node, whose counters the data directory's counters file keeps
 */
public record Stores(BanStore bans, Optional<Shared> shared) {
    /** The counters every node keeps in one database. */
    public record Shared(SharedLogins logins, SharedEvents events) {}

    /** One node's: the data directory's files. */
    public static Stores files(Path dataDir) {
        return new Stores(new BanFile(dataDir), Optional.empty());
    }
}
