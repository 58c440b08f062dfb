package org.mailgate.config;

/**
 * One key of the config file, declared once: its table, its name, how its value is read (type,
 * range, and the error that says what was expected) and its default. The allow-list of each table,
 * the defaults and the README's config block all come from, or are checked against, these.
 */
public final class Key<T> {
    private final Table table;
    private final String name;
    private final ValueType<T> type;
    private final T fallback;
    private final String missing;

    /** @param missing null when the key may be left out (its value is then {@code fallback}); else the error when it is */
    Key(Table table, String name, ValueType<T> type, T fallback, String missing) {
        this.table = table;
        this.name = name;
        this.type = type;
        this.fallback = fallback;
        this.missing = missing;
    }

    public String name() {
        return name;
    }

    /** The key as the config file's reader sees it: "limits.max-connections", "hostname". */
    public String path() {
        return table.prefix() + name;
    }

    Table table() {
        return table;
    }

    ValueType<T> type() {
        return type;
    }

    /** The value when the key is absent (null: none). */
    T fallback() {
        return fallback;
    }

    boolean required() {
        return missing != null;
    }

    String missing() {
        return missing;
    }

    @Override
    public String toString() {
        return path();
    }
}
