package org.mailgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mailgate.config.LogConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** [log] applied to the running log: level and format, to standard error. */
class LoggingTest {
    private static final Logger log = LoggerFactory.getLogger("org.mailgate.test.Example");

    @AfterEach
    void restore() {
        Logging.apply(LogConfig.DEFAULTS);
    }

    @Test
    void textAtInfoByDefault() {
        String out = captured(LogConfig.DEFAULTS, () -> {
            log.info("queued {}", "0123");
            log.debug("not shown");
        });
        assertThat(out).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) INFO Example - queued 0123\n");
    }

    @Test
    void jsonLinesAtTheConfiguredLevel() {
        LogConfig json = LogConfig.DEFAULTS.with(LogConfig.FORMAT, LogConfig.Format.JSON).with(LogConfig.LEVEL, LogConfig.Level.WARN);
        String out = captured(json, () -> {
            log.info("below the level");
            log.warn("a \"quoted\" {}", "word");
        });
        assertThat(out).matches("\\{\"timestamp\":\\d+,\"level\":\"WARN\",\"loggerName\":\"org.mailgate.test.Example\","
                + "\"formattedMessage\":\"a \\\\\"quoted\\\\\" word\",\"throwable\":null}\n");
    }

    private static String captured(LogConfig config, Runnable logging) {
        PrintStream original = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            Logging.apply(config);
            logging.run();
        } finally {
            System.setErr(original);
        }
        return err.toString(StandardCharsets.UTF_8);
    }
}
