package org.mailgate.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.mailgate.config.ConfigException;
import org.mailgate.config.ConfigLoader;
import org.mailgate.config.MailgateConfig;
import picocli.CommandLine.Option;

/**
 * Which data directory an admin command works on: --data-dir, else the data-dir of the server's
 * --config, else ./mailgate-data, as `serve` chooses. One that does not exist is an error for
 * every command that reads (a mistyped path would look like an empty server); the commands that
 * set a new server up (the first user, the first DKIM key) make it, and say so.
 */
final class DataDirOption {
    static final Path DEFAULT = Path.of("mailgate-data");

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Data directory (default: the --config's data-dir, else ./mailgate-data).")
    Path dataDir;

    @Option(names = "--config", paramLabel = "FILE", description = "The server's config file, for its data-dir.")
    Path configFile;

    /** The directory, which must exist. */
    Path existing() {
        Path dir = chosen();
        if (!Files.isDirectory(dir)) {
            throw new CommandFailure("data directory " + dir + " does not exist: give the server's --config FILE or --data-dir DIR"
                    + " (`mailgate serve` makes it, and so does the first `mailgate user add`)");
        }
        return dir;
    }

    /** The directory, made (with a note on standard error) when it does not exist yet. */
    Path creating() {
        Path dir = chosen();
        if (!Files.isDirectory(dir)) {
            System.err.println("mailgate: new data directory " + dir.toAbsolutePath().normalize());
        }
        return dir;
    }

    /** The server's config, when --config names it. */
    Optional<MailgateConfig> config() {
        if (configFile == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(ConfigLoader.load(configFile));
        } catch (ConfigException e) {
            throw new CommandFailure(e.getMessage());
        }
    }

    /** The directory as chosen, whether or not it exists. */
    Path chosen() {
        return resolve(dataDir, config().orElse(null));
    }

    /** The data directory `serve` and every command use: the option, else the config's, else ./mailgate-data. */
    static Path resolve(Path option, MailgateConfig config) {
        if (option != null) {
            return option;
        }
        return config != null && config.dataDir() != null ? config.dataDir() : DEFAULT;
    }
}
