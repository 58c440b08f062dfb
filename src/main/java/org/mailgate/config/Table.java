package org.mailgate.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.tomlj.TomlTable;

/**
 * A table of the config file ("limits", "delivery.smarthost", the top level) and the keys declared
 * in it, in reading order. Reading checks that no other key is there, then reads each key present
 * by its type, and gives the default for each key absent.
 */
final class Table {
    private final String name;
    private final List<Key<?>> keys = new ArrayList<>();

    /** @param name the table's dotted name, "" for the top level */
    Table(String name) {
        this.name = name;
    }

    String name() {
        return name;
    }

    /** What the table's keys are named after in messages: "limits.", "" for the top level. */
    String prefix() {
        return name.isEmpty() ? "" : name + ".";
    }

    List<Key<?>> keys() {
        return List.copyOf(keys);
    }

    Set<String> names() {
        return keys.stream().map(Key::name).collect(Collectors.toSet());
    }

    /** A key that may be left out, with its default (null for none). */
    <T> Key<T> key(String name, ValueType<T> type, T fallback) {
        return add(new Key<>(this, name, type, fallback, null));
    }

    /** A key that must be there: "listener.port is required". */
    <T> Key<T> required(String name, ValueType<T> type) {
        return add(new Key<>(this, name, type, null, prefix() + name + " is required"));
    }

    /** A key that must be there, with what to say when it is not. */
    <T> Key<T> required(String name, ValueType<T> type, String missing) {
        return add(new Key<>(this, name, type, null, missing));
    }

    private <T> Key<T> add(Key<T> key) {
        keys.add(key);
        return key;
    }

    /** Every key at its default. */
    Values defaults() {
        return new Values(this);
    }

    Values read(TomlReader r, TomlTable table) throws ConfigException {
        r.allowOnly(table, prefix(), names());
        Values values = defaults();
        for (Key<?> key : keys) {
            values = read(r, table, key, values);
        }
        return values;
    }

    private static <T> Values read(TomlReader r, TomlTable table, Key<T> key, Values values) throws ConfigException {
        if (!table.contains(List.of(key.name()))) {
            if (key.required()) {
                throw new ConfigException(r.file() + ": " + key.missing());
            }
            return values;
        }
        return values.with(key, key.type().read(r, table, key));
    }
}
