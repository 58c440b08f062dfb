package org.mailgate.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.tomlj.TomlArray;
import org.tomlj.TomlTable;

/**
 * How one kind of config value is read from TOML: what it accepts, and the error naming the
 * file, the line and what was expected when the value is not that. Called only for keys present;
 * most messages name the key alone ("port: expected ..."), some its whole path ("delivery.ca-file").
 */
@FunctionalInterface
interface ValueType<T> {
    T read(TomlReader r, TomlTable table, Key<T> key) throws ConfigException;

    ValueType<Integer> POSITIVE = (r, table, key) -> r.positive(table, key.name());
    ValueType<Integer> PORT = (r, table, key) -> r.port(table, key.name());
    /** A port to listen on: 0 lets the system pick (tests). */
    ValueType<Integer> LISTEN_PORT = (r, t, key) -> {
        String expected = "a port number from 0 to 65535";
        long port = r.integer(t, key.name(), expected);
        if (port < 0 || port > 65535) {
            throw new ConfigException(r.at(t.inputPositionOf(key.name())) + key.path() + ": expected " + expected + ", got " + port);
        }
        return (int) port;
    };
    /** An address to listen on: an IP literal. */
    ValueType<String> LISTEN_ADDRESS = (r, t, key) -> {
        String address = r.string(t, key.name(), "an IP address such as \"0.0.0.0\" or \"::\"");
        if (!AddressRange.isAddressLiteral(address)) {
            throw new ConfigException(r.at(t.inputPositionOf(key.name())) + key.path()
                    + ": expected an IP address such as \"0.0.0.0\" or \"::\", got \"" + address + "\"");
        }
        return address;
    };
    ValueType<Long> SIZE = (r, table, key) -> r.size(table, key.name());
    /** A size held as an int: larger values are capped, which only ever means "no limit in practice". */
    ValueType<Integer> INT_SIZE = (r, table, key) -> (int) Math.min(r.size(table, key.name()), Integer.MAX_VALUE);
    ValueType<Duration> DURATION = (r, table, key) -> r.duration(table, key.name());
    ValueType<Boolean> FLAG = (r, table, key) -> r.flag(table, key.name());
    ValueType<String> HOSTNAME = (r, table, key) -> r.hostname(table, key.name());
    ValueType<String> ADDRESS = (r, table, key) -> r.address(table, key.name());
    ValueType<Set<String>> DOMAINS = (r, table, key) -> r.domains(table, key.name());
    ValueType<List<AddressRange>> ADDRESS_RANGES = (r, toml, key) -> {
        String expected = "addresses or networks such as \"10.0.0.0/8\" or \"2001:db8::/32\"";
        TomlArray array = r.array(toml, key.name(), "an array of " + expected);
        List<AddressRange> ranges = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            AddressRange range = array.get(i) instanceof String text ? AddressRange.parse(text).orElse(null) : null;
            if (range == null) {
                throw new ConfigException(r.at(array.inputPositionOf(i)) + key.path() + ": expected " + expected + ", got " + TomlReader.show(array.get(i)));
            }
            ranges.add(range);
        }
        return List.copyOf(ranges);
    };

    static ValueType<String> string(String expected) {
        return (r, table, key) -> r.string(table, key.name(), expected);
    }

    /** A path, relative to the config file's directory when relative. */
    static ValueType<Path> path(String expected) {
        return (r, table, key) -> r.path(table, key.name(), expected);
    }

    /** A file that must be readable when named: a typo is found at start, not at first use. */
    static ValueType<Path> readableFile(String expected) {
        return (r, table, key) -> {
            Path path = r.path(table, key.name(), expected);
            if (!Files.isReadable(path)) {
                throw new ConfigException(r.at(table.inputPositionOf(key.name())) + key.path() + ": cannot read " + path
                        + " (expected " + expected + ")");
            }
            return path;
        };
    }

    /** One of the given strings, each standing for a value; {@code expected} says which, e.g. "\"validate\" or \"off\"". */
    static <E> ValueType<E> choice(String expected, Map<String, E> values) {
        return (r, table, key) -> {
            Object value = table.get(List.of(key.name()));
            if (!(value instanceof String text) || !values.containsKey(text)) {
                throw new ConfigException(r.at(table.inputPositionOf(List.of(key.name()))) + key.path() + ": expected " + expected + ", got "
                        + TomlReader.show(value));
            }
            return values.get(text);
        };
    }

    /** A sub-table read by its own declared keys. */
    static <S> ValueType<S> table(Table keys, Function<Values, S> build) {
        return (r, table, key) -> build.apply(keys.read(r, r.table(table, key.name())));
    }
}
