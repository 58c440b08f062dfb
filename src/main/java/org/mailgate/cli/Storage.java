package org.mailgate.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.mailgate.auth.UnlockRequests;
import org.mailgate.auth.UserFile;
import org.mailgate.auth.UserStore;
import org.mailgate.config.MailgateConfig;
import org.mailgate.config.StorageConfig;
import org.mailgate.postgres.Database;
import org.mailgate.delivery.tls.MtaStsFiles;
import org.mailgate.mailauth.DkimKeyFiles;
import org.mailgate.mailauth.DkimKeyStore;
import org.mailgate.delivery.tls.MtaStsStore;
import org.mailgate.policy.BanStore;
import org.mailgate.policy.SendingLimits;
import org.mailgate.postgres.PostgresBans;
import org.mailgate.postgres.PostgresDkimKeys;
import org.mailgate.postgres.PostgresLogins;
import org.mailgate.postgres.PostgresMtaSts;
import org.mailgate.postgres.PostgresSharedEvents;
import org.mailgate.postgres.PostgresSpool;
import org.mailgate.postgres.PostgresUsers;
import org.mailgate.postgres.Schema;
import org.mailgate.server.ServerStatus;
import org.mailgate.server.Stores;
import org.mailgate.spool.FileSpool;
import org.mailgate.spool.Spool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the queue lives, as [storage] says: the data directory's files, or one PostgreSQL
 * database that several nodes share (its schema migrated when the server starts). The server and
 * the admin commands open it here, so both always look at the same queue.
 */
final class Storage implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Storage.class);

    private final Spool spool;
    private final Database database; // null for files
    private final Path dataDir;
    private final String node;

    private Storage(Spool spool, Database database, Path dataDir, String node) {
        this.spool = spool;
        this.database = database;
        this.dataDir = dataDir;
        this.node = node;
    }

    /** The server's: the spool it commits to and delivers from. */
    static Storage open(MailgateConfig config) throws IOException {
        if (config.storage().kind() == StorageConfig.Kind.FILE) {
            return new Storage(FileSpool.open(config.dataDir()), null, config.dataDir(), config.hostname());
        }
        String node = config.storage().nodeName(config.hostname());
        Database database = Database.open(config.storage(), node);
        try {
            List<Integer> applied = Schema.migrate(database);
            if (!applied.isEmpty()) {
                log.info("database schema migrated to version {}", applied.getLast());
            }
            Spool spool = PostgresSpool.open(database, node, config.dataDir().resolve("spool/receiving"));
            log.info("queue in PostgreSQL at {}, as node {}", config.storage().url(), node);
            return new Storage(spool, database, config.dataDir(), node);
        } catch (SQLException e) {
            database.close();
            throw new IOException("cannot migrate the database's schema: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            database.close();
            throw e;
        }
    }

    /** An admin command's, beside running servers: reads, changes journals, deletes; never commits. */
    static Storage openReadOnly(MailgateConfig config, Path dataDir) throws IOException {
        if (config == null || config.storage().kind() == StorageConfig.Kind.FILE) {
            return new Storage(FileSpool.openReadOnly(dataDir), null, dataDir, "cli");
        }
        Database database = Database.open(config.storage(), "cli");
        try {
            Schema.Status status = Schema.status(database);
            if (!status.current()) {
                throw new IOException("the database's schema is at version " + status.version() + ", this Mailgate's at " + status.latest()
                        + ": mailgate storage migrate --config FILE (or start the server)");
            }
        } catch (SQLException e) {
            database.close();
            throw new IOException("cannot read the database's schema: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            database.close();
            throw e;
        }
        return new Storage(PostgresSpool.openReadOnly(database), database, dataDir, "cli");
    }

    /**
     * The queue, users, bans or keys an admin command acts on: the shared database when --config
     * says so (no data directory is needed on this machine), else the files of the data directory,
     * which must exist.
     */
    static Storage forCommand(DataDirOption data) throws IOException {
        return forCommand(data, false);
    }

    /** As above; {@code creating}: a new data directory may be made (the first user, the first DKIM key). */
    static Storage forCommand(DataDirOption data, boolean creating) throws IOException {
        MailgateConfig config = data.config().orElse(null);
        if (config != null && config.storage().kind() == StorageConfig.Kind.POSTGRES) {
            return openReadOnly(config, data.chosen());
        }
        return openReadOnly(null, creating ? data.creating() : data.existing());
    }

    Spool spool() {
        return spool;
    }

    /** Where the users live: the user file of the data directory, or the database. */
    UserStore users() {
        return database == null ? new UserFile(dataDir) : new PostgresUsers(database);
    }

    /** Where the bans and counters live: the data directory's files, or the database every node shares (counted as this node's). */
    Stores stores() {
        if (database == null) {
            return Stores.files(dataDir);
        }
        return new Stores(new PostgresBans(database),
                Optional.of(new Stores.Shared(new PostgresLogins(database), new PostgresSharedEvents(database, node))));
    }

    /**
     * Lets {@code who} (an account, or a client's key) log in again, its failures forgotten: in
     * the database at once, for every node (true); with files, by asking the running server, which
     * does it within a second (false).
     */
    boolean unlock(String who) throws IOException {
        if (database == null) {
            new UnlockRequests(dataDir).request(who);
            return false;
        }
        new PostgresLogins(database).forget(who);
        return true;
    }

    /** Where the DKIM keys live: files in the data directory, or the database. */
    DkimKeyStore dkimKeys() {
        return database == null ? new DkimKeyFiles(dataDir) : new PostgresDkimKeys(database);
    }

    /** The DKIM keys as `dns` and `audit` read them, where [storage] says, beside no running server. */
    static List<DkimKeyStore.StoredKey> readDkimKeys(MailgateConfig config, Path dataDir) throws IOException {
        if (config == null || config.storage().kind() == StorageConfig.Kind.FILE) {
            return new DkimKeyFiles(dataDir).list();
        }
        try (Storage storage = openReadOnly(config, dataDir)) {
            return storage.dkimKeys().list();
        }
    }

    /** Where fetched MTA-STS policies are kept: files under the data directory, or the database. */
    MtaStsStore mtaSts() {
        return database == null ? new MtaStsFiles(dataDir.resolve("mta-sts")) : new PostgresMtaSts(database);
    }

    /**
     * Each user's recent sending counts and lockout, for `user list`: as the running server on
     * this machine last wrote them (none without a data directory here), or from the database,
     * summed over every node.
     */
    Map<String, String> userStatus() throws IOException {
        if (database == null) {
            return Files.isDirectory(dataDir) ? ServerStatus.read(dataDir) : Map.of();
        }
        // the CLI's node name is no server's: every server's events are "elsewhere"
        return ServerStatus.describe(SendingLimits.inStore(new PostgresSharedEvents(database, node), Instant.now()),
                new PostgresLogins(database).locks());
    }

    /** The bans a `ban` command acts on. */
    BanStore bans() {
        return stores().bans();
    }

    /** Where set-aside messages are kept, for the admin. */
    String setAsideWhere() {
        return database == null ? "in " + dataDir.resolve("spool/corrupt") + " (each with a .reason file)"
                : "in the database (mailgate queue show ID; the reason is in the message table's set_aside)";
    }

    /** The readiness check's line: where the queue is, and whether new mail can be committed to it. */
    record Health(boolean ok, String line) {}

    Health health(long minFree) {
        long free;
        try {
            free = spool.usableSpace();
        } catch (IOException e) {
            return new Health(false, "spool: free space unknown: " + e.getMessage());
        }
        String space = free / (1024 * 1024) + " MiB free (min-free-space " + minFree / (1024 * 1024) + " MiB)";
        if (database == null) {
            boolean writable = Files.isWritable(dataDir.resolve("spool"));
            return new Health(writable && free >= minFree, "spool: " + (writable ? "writable" : "not writable") + ", " + space);
        }
        try {
            Schema.status(database);
            return new Health(free >= minFree, "spool: the database answers, " + space + " for messages being received");
        } catch (SQLException e) {
            return new Health(false, "spool: the database does not answer: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        spool.close();
        if (database != null) {
            database.close();
        }
    }
}
