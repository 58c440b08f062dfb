package org.mailgate.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** The values of one table's keys: each key's value as read, or its default. Immutable. */
final class Values {
    private final Table table;
    private final Map<Key<?>, Object> values;

    Values(Table table) {
        this(table, new LinkedHashMap<>());
        table.keys().forEach(key -> values.put(key, key.fallback()));
    }

    private Values(Table table, Map<Key<?>, Object> values) {
        this.table = table;
        this.values = values;
    }

    @SuppressWarnings("unchecked") // the map is filled only through with(Key<T>, T)
    <T> T get(Key<T> key) {
        check(key);
        return (T) values.get(key);
    }

    <T> Values with(Key<T> key, T value) {
        check(key);
        Map<Key<?>, Object> copy = new LinkedHashMap<>(values);
        copy.put(key, value);
        return new Values(table, copy);
    }

    private void check(Key<?> key) {
        if (key.table() != table) {
            throw new IllegalArgumentException(key + " is not a key of [" + table.name() + "]");
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Values v && v.table == table && v.values.equals(values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(table.name(), values);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        values.forEach((key, value) -> text.append(text.isEmpty() ? "" : ", ").append(key.name()).append('=').append(value));
        return "[" + table.name() + "] " + text;
    }
}
