package org.mailgate.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.mailgate.auth.User;
import org.mailgate.auth.UserFile;
import org.mailgate.auth.UserStore;
import org.mailgate.config.ConfigException;
import org.mailgate.config.ConfigLoader;
import org.mailgate.config.MailgateConfig;
import org.mailgate.config.StorageConfig;
import org.mailgate.mailauth.DkimKeyFiles;
import org.mailgate.mailauth.DkimKeyStore;
import org.mailgate.mailauth.DkimKeyStore.Stage;
import org.mailgate.mailauth.DkimKeyStore.StoredKey;
import org.mailgate.policy.BanFile;
import org.mailgate.policy.BanList;
import org.mailgate.policy.BanStore;
import org.mailgate.postgres.Database;
import org.mailgate.postgres.Schema;
import org.mailgate.spool.FileSpool;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "storage", mixinStandardHelpOptions = true,
        description = "The shared database of [storage] kind = \"postgres\": its schema's version, its migration, and moving a one-node data directory in.",
        subcommands = {StorageCommand.Migrate.class, StorageCommand.Status.class, StorageCommand.Import.class})
final class StorageCommand {

    /** The config's [storage], which must be a database. */
    static final class ConfigOption {
        @Option(names = "--config", paramLabel = "FILE", required = true, description = "The server's config file, for its [storage].")
        Path file;

        Database open() throws IOException {
            return Database.open(load().storage(), "cli");
        }

        MailgateConfig load() {
            MailgateConfig config;
            try {
                config = ConfigLoader.load(file);
            } catch (ConfigException e) {
                throw new CommandFailure(e.getMessage());
            }
            if (config.storage().kind() != StorageConfig.Kind.POSTGRES) {
                throw new CommandFailure(file + " keeps the queue in files ([storage] kind = \"file\"): there is no database here");
            }
            return config;
        }
    }

    @Command(name = "migrate", mixinStandardHelpOptions = true,
            description = "Bring the database's schema to this Mailgate's version (the server does it too, at start).")
    static final class Migrate implements Callable<Integer> {
        @Mixin ConfigOption config;

        @Override
        public Integer call() throws IOException {
            try (Database database = config.open()) {
                List<Integer> applied = Schema.migrate(database);
                Schema.Status status = Schema.status(database);
                System.out.println(applied.isEmpty() ? "schema version " + status.version() + ": current, nothing to do"
                        : "schema migrated to version " + status.version() + " (applied " + applied.size() + (applied.size() == 1 ? " migration)" : " migrations)"));
            } catch (SQLException e) {
                throw new CommandFailure("the database refused the migration: " + e.getMessage());
            }
            return 0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "The database's schema version against this Mailgate's; exit 1 when they differ.")
    static final class Status implements Callable<Integer> {
        @Mixin ConfigOption config;

        @Override
        public Integer call() throws IOException {
            try (Database database = config.open()) {
                Schema.Status status = Schema.status(database);
                if (status.current()) {
                    System.out.println("schema version " + status.version() + ": current");
                    return 0;
                }
                System.out.println("schema version " + status.version() + ", this Mailgate's is " + status.latest()
                        + (status.version() < status.latest() ? ": mailgate storage migrate --config " + config.file : ": a newer Mailgate migrated it"));
                return 1;
            } catch (SQLException e) {
                throw new CommandFailure("cannot read the database's schema: " + e.getMessage());
            }
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = {"Copy a one-node data directory's users, bans and DKIM keys into the database, when a server becomes several nodes.",
                    "What the database has already stays as it is; retired DKIM keys and the queue stay behind (let the old server deliver its queue)."})
    static final class Import implements Callable<Integer> {
        @Mixin ConfigOption config;
        @Option(names = "--from", paramLabel = "DIR", required = true, description = "The data directory to copy from.")
        Path from;

        @Override
        public Integer call() throws IOException {
            if (!Files.isDirectory(from)) {
                throw new CommandFailure("--from " + from + ": no such data directory");
            }
            try (Storage storage = Storage.openReadOnly(config.load(), from)) {
                List<String> report = new ArrayList<>();
                report.add(users(new UserFile(from).read(), storage.users()));
                report.add(bans(new BanFile(from).read(), storage.bans()));
                report.add(keys(new DkimKeyFiles(from).list(), storage.dkimKeys()));
                report.forEach(System.out::println);
                try (FileSpool queue = FileSpool.openReadOnly(from)) {
                    int waiting = queue.list().size();
                    if (waiting > 0) {
                        System.out.println("queue: " + waiting + " messages stay in " + from + ": let the server there deliver them"
                                + " (mailgate queue list --data-dir " + from + ") before it stops for good");
                    }
                }
            }
            return 0;
        }

        private static String users(List<User> users, UserStore into) throws IOException {
            int[] added = {0};
            into.update(addMissing(users, User::address, added));
            return "users: " + added[0] + " imported" + skipped(users.size() - added[0]);
        }

        private static String bans(List<BanList.Ban> bans, BanStore into) throws IOException {
            Instant now = Instant.now();
            List<BanList.Ban> active = bans.stream().filter(b -> b.until() == null || b.until().isAfter(now)).toList();
            int[] added = {0};
            into.update(addMissing(active, BanList.Ban::range, added));
            return "bans: " + added[0] + " imported" + skipped(active.size() - added[0]);
        }

        /** A change that adds what the stored list lacks by {@code key}, and leaves what it has; counts the additions into {@code added[0]}. */
        private static <T, K> UnaryOperator<List<T>> addMissing(List<T> incoming, Function<T, K> key, int[] added) {
            return existing -> {
                Set<K> there = existing.stream().map(key).collect(Collectors.toSet());
                incoming.stream().filter(item -> there.add(key.apply(item))).forEach(item -> {
                    existing.add(item);
                    added[0]++;
                });
                return existing;
            };
        }

        private static String keys(List<StoredKey> keys, DkimKeyStore into) throws IOException {
            int added = 0;
            int there = 0;
            for (StoredKey key : keys) {
                if (key.key().isEmpty()) {
                    continue; // retired: nothing left to sign with
                }
                if (into.find(key.domain(), key.selector()).isPresent()) {
                    there++;
                    continue;
                }
                StoredKey filed = into.add(key.domain(), key.selector(), key.key().get(), key.created());
                if (key.stage() != Stage.PENDING) {
                    into.move(filed, key.stage(), key.changed());
                }
                added++;
            }
            return "DKIM keys: " + added + " imported" + skipped(there);
        }

        private static String skipped(int count) {
            return count == 0 ? "" : ", " + count + " already in the database (kept as they are there)";
        }
    }
}
