package org.mailgate.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

    /** What loads but will surprise: said by check-config and at the start of serve. */
    static List<String> warnings(Path file, MailgateConfig config) {
        List<String> warnings = new ArrayList<>();
        if (config.hostname().equals("localhost")) {
            warnings.add("no hostname set: the server calls itself localhost in its greeting, EHLO, Received fields, bounces and"
                    + " self-signed certificate, which other servers distrust; set hostname = \"mx.example.com\" (its DNS name)");
        }
        return warnings;
    }

    @Override
    public Integer call() {
        try {
            MailgateConfig config = ConfigLoader.load(file);
            if (config.tls() != null) {
                SmtpServer.checkTls(config.tls()); // the files a start would load, pair by pair
            }
            System.out.println(file + ": OK (" + config.listeners().size() + " listeners, hostname " + config.hostname() + ")");
            warnings(file, config).forEach(warning -> System.out.println(file + ": warning: " + warning));
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
