package org.mailgate.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.mailgate.config.ConfigException;
import org.mailgate.config.ConfigLoader;
import org.mailgate.config.MailgateConfig;
import org.mailgate.server.SmtpServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "check-config", mixinStandardHelpOptions = true,
        description = "Check a config file and say what is wrong, without starting the server.")
final class CheckConfigCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "The TOML config file.")
    Path file;

    @Override
    public Integer call() {
        try {
            MailgateConfig config = ConfigLoader.load(file);
            if (config.tls() != null) {
                SmtpServer.checkTls(config.tls()); // the files a start would load, pair by pair
            }
            System.out.println(file + ": OK (" + config.listeners().size() + " listeners, hostname " + config.hostname() + ")");
            return 0;
        } catch (ConfigException e) {
            System.err.println(e.getMessage()); // it names the file and the line
            return 1;
        } catch (IOException tls) {
            System.err.println(file + ": " + tls.getMessage());
            return 1;
        }
    }
}
