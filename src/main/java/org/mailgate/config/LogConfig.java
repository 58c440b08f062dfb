package org.mailgate.config;

import java.util.Map;

/** The server's log, the config file's [log] table: always to standard error (systemd's journal), at this level, in this format. */
public final class LogConfig extends Settings<LogConfig> {
    static final Table TABLE = new Table("log");

    public enum Level { ERROR, WARN, INFO, DEBUG }

    /** text: a line a person reads; json: one JSON object per line, for a log collector. */
    public enum Format { TEXT, JSON }

    public static final Key<Level> LEVEL = TABLE.key("level", ValueType.choice("\"error\", \"warn\", \"info\" or \"debug\"",
            Map.of("error", Level.ERROR, "warn", Level.WARN, "info", Level.INFO, "debug", Level.DEBUG)), Level.INFO);
    public static final Key<Format> FORMAT = TABLE.key("format", ValueType.choice("\"text\" or \"json\"",
            Map.of("text", Format.TEXT, "json", Format.JSON)), Format.TEXT);

    public static final LogConfig DEFAULTS = new LogConfig(TABLE.defaults());

    LogConfig(Values values) {
        super(values);
    }

    @Override
    LogConfig copy(Values changed) {
        return new LogConfig(changed);
    }

    public Level level() {
        return get(LEVEL);
    }

    public Format format() {
        return get(FORMAT);
    }
}
