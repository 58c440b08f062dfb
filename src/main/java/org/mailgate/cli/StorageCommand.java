package org.mailgate.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.Callable;
import org.mailgate.config.ConfigException;
import org.mailgate.config.ConfigLoader;
import org.mailgate.config.MailgateConfig;
import org.mailgate.config.StorageConfig;
import org.mailgate.postgres.Database;
import org.mailgate.postgres.Schema;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "storage", mixinStandardHelpOptions = true,
        description = "The shared database of [storage] kind = \"postgres\": its schema's version, and its migration.",
        subcommands = {StorageCommand.Migrate.class, StorageCommand.Status.class})
final class StorageCommand {

    /** The config's [storage], which must be a database. */
    static final class ConfigOption {
        @Option(names = "--config", paramLabel = "FILE", required = true, description = "The server's config file, for its [storage].")
        Path file;

        Database open() throws IOException {
            MailgateConfig config;
            try {
                config = ConfigLoader.load(file);
            } catch (ConfigException e) {
                throw new CommandFailure(e.getMessage());
            }
            if (config.storage().kind() != StorageConfig.Kind.POSTGRES) {
                throw new CommandFailure(file + " keeps the queue in files ([storage] kind = \"file\"): there is no database schema to migrate");
            }
            return Database.open(config.storage(), "cli");
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
}
