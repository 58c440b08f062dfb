package org.mailgate.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import org.mailgate.config.LogConfig;
import org.slf4j.LoggerFactory;

/**
 * The log: one event a line on standard error, which systemd's journal keeps. Logback finds this
 * class (META-INF/services) and starts with text at info, before any config file is read; `serve`
 * then applies [log], and so does each reload.
 */
public final class Logging extends ContextAwareBase implements Configurator {
    private static final String APPENDER = "stderr";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        install(context, LogConfig.DEFAULTS);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** Applies {@code config} to the running log: its level and its format. */
    static void apply(LogConfig config) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            install(context, config);
        }
    }

    private static synchronized void install(LoggerContext context, LogConfig config) {
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(switch (config.level()) {
            case ERROR -> Level.ERROR;
            case WARN -> Level.WARN;
            case INFO -> Level.INFO;
            case DEBUG -> Level.DEBUG;
        });
        // Netty's own messages are about its internals; its warnings still show.
        context.getLogger("io.netty").setLevel(Level.WARN);
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(context);
        appender.setName(APPENDER);
        appender.setTarget("System.err");
        appender.setEncoder(encoder(context, config.format()));
        appender.start();
        Appender<ILoggingEvent> old = root.getAppender(APPENDER);
        root.addAppender(appender);
        if (old != null) {
            root.detachAppender(old);
            old.stop();
        }
    }

    private static Encoder<ILoggingEvent> encoder(LoggerContext context, LogConfig.Format format) {
        return switch (format) {
            case TEXT -> {
                PatternLayoutEncoder text = new PatternLayoutEncoder();
                text.setContext(context);
                text.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %level %logger{0} - %msg%n");
                text.start();
                yield text;
            }
            case JSON -> {
                JsonEncoder json = new JsonEncoder();
                json.setContext(context);
                json.setWithSequenceNumber(false);
                json.setWithNanoseconds(false);
                json.setWithThreadName(false);
                json.setWithContext(false);
                json.setWithMDC(false);
                json.setWithMarkers(false);
                json.setWithArguments(false);
                json.setWithMessage(false);
                json.setWithFormattedMessage(true);
                json.start();
                yield json;
            }
        };
    }
}
