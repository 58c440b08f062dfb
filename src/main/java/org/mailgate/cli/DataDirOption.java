package org.mailgate.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The --data-dir option every subcommand that touches data takes. */
final class DataDirOption {
    @Option(names = "--data-dir", paramLabel = "DIR", description = "Data directory (default: ${DEFAULT-VALUE}).",
            defaultValue = "./mailgate-data")
    Path dataDir;
}
