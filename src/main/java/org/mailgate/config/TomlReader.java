package org.mailgate.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tomlj.TomlArray;
import org.tomlj.TomlPosition;
import org.tomlj.TomlTable;

/**
 * Typed reads from a TOML table, each failing with a {@link ConfigException} that names the file,
 * the line and what was expected; shared by the readers of the config's tables.
 */
final class TomlReader {
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KiB|MiB|GiB)?");
    static final Pattern DOMAIN = Pattern.compile("(?i)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*");

    private final Path file;
    private final Path base;

    TomlReader(Path file) {
        this.file = file;
        this.base = file.toAbsolutePath().getParent();
    }

    Path file() {
        return file;
    }

    /** A path as the file names it: relative ones are relative to the file's directory. */
    Path path(TomlTable table, String key, String expected) throws ConfigException {
        return base.resolve(string(table, key, expected));
    }

    void allowOnly(TomlTable table, String prefix, Set<String> allowed) throws ConfigException {
        for (String key : table.keySet()) {
            if (!allowed.contains(key)) {
                throw new ConfigException(at(table.inputPositionOf(List.of(key))) + "unknown key \"" + prefix + key
                        + "\": expected one of " + String.join(", ", allowed.stream().sorted().toList()));
            }
        }
    }

    void require(TomlTable table, String key, String prefix) throws ConfigException {
        if (!table.contains(List.of(key))) {
            throw new ConfigException(file + ": " + prefix + key + " is required");
        }
    }

    String hostname(TomlTable table, String key) throws ConfigException {
        String value = string(table, key, "a host name such as \"mail.example.com\"");
        if (!DOMAIN.matcher(value).matches()) {
            throw new ConfigException(at(table.inputPositionOf(List.of(key))) + key + ": expected a host name such as \"mail.example.com\", got \"" + value + "\"");
        }
        return value.toLowerCase(Locale.ROOT);
    }

    /** A mail address such as "alice@example.com", lower-cased. */
    String address(TomlTable table, String key) throws ConfigException {
        String expected = "an address such as \"alice@example.com\"";
        String value = string(table, key, expected);
        int at = value.lastIndexOf('@');
        if (at < 1 || value.substring(0, at).matches(".*[\\s\"<>(),;:].*") || !DOMAIN.matcher(value.substring(at + 1)).matches()) {
            throw wrong(table, key, expected, value);
        }
        return value.toLowerCase(Locale.ROOT);
    }

    String string(TomlTable table, String key, String expected) throws ConfigException {
        Object value = table.get(List.of(key));
        if (!(value instanceof String text) || text.isBlank()) {
            throw wrong(table, key, expected, value);
        }
        return text;
    }

    boolean flag(TomlTable table, String key) throws ConfigException {
        if (!(table.get(List.of(key)) instanceof Boolean flag)) {
            throw wrong(table, key, "true or false", table.get(List.of(key)));
        }
        return flag;
    }


    long integer(TomlTable table, String key, String expected) throws ConfigException {
        Object value = table.get(List.of(key));
        if (!(value instanceof Long number)) {
            throw wrong(table, key, expected, value);
        }
        return number;
    }

    int positive(TomlTable table, String key) throws ConfigException {
        long value = integer(table, key, "a positive integer");
        if (value <= 0 || value > Integer.MAX_VALUE) {
            throw wrong(table, key, "a positive integer", value);
        }
        return (int) value;
    }

    /** A size in bytes: an integer, or a string such as "25MiB". */
    long size(TomlTable table, String key) throws ConfigException {
        String expected = "a size in bytes: an integer or a string such as \"25MiB\"";
        Object value = table.get(List.of(key));
        if (value instanceof Long bytes && bytes > 0) {
            return bytes;
        }
        Matcher m = value instanceof String text ? SIZE.matcher(text.strip()) : null;
        if (m == null || !m.matches() || m.group(1).length() > 12) {
            throw wrong(table, key, expected, value);
        }
        long unit = switch (m.group(2) == null ? "B" : m.group(2)) {
            case "KiB" -> 1024L;
            case "MiB" -> 1024L * 1024;
            case "GiB" -> 1024L * 1024 * 1024;
            default -> 1L;
        };
        long bytes = Long.parseLong(m.group(1)) * unit;
        if (bytes <= 0) {
            throw wrong(table, key, expected, value);
        }
        return bytes;
    }

    /** A duration string such as "250ms", "30s", "5m", "1h", "30d". */
    Duration duration(TomlTable table, String key) throws ConfigException {
        Object value = table.get(List.of(key));
        Optional<Duration> duration = value instanceof String text ? Durations.parse(text) : Optional.empty();
        if (duration.isEmpty()) {
            throw wrong(table, key, "a duration such as " + Durations.EXAMPLES, value);
        }
        return duration.get();
    }

    TomlArray array(TomlTable table, String key, String expected) throws ConfigException {
        Object value = table.get(List.of(key));
        if (!(value instanceof TomlArray array)) {
            throw wrong(table, key, expected, value);
        }
        return array;
    }

    TomlTable table(TomlTable table, String key) throws ConfigException {
        Object value = table.get(List.of(key));
        if (!(value instanceof TomlTable child)) {
            throw wrong(table, key, "a table [" + key + "]", value);
        }
        return child;
    }

    ConfigException wrong(TomlTable table, String key, String expected, Object value) {
        return new ConfigException(at(table.inputPositionOf(List.of(key))) + key + ": expected " + expected + ", got " + show(value));
    }

    static String show(Object value) {
        return switch (value) {
            case null -> "nothing";
            case String s -> "\"" + s + "\"";
            case TomlTable t -> "a table";
            case TomlArray a -> "an array";
            default -> value.toString();
        };
    }

    String at(TomlPosition position) {
        return position == null ? file + ": " : file + ":" + position.line() + ":" + position.column() + ": ";
    }

    int port(TomlTable table, String key) throws ConfigException {
        String expected = "a port number from 1 to 65535";
        long port = integer(table, key, expected);
        if (port < 1 || port > 65535) {
            throw wrong(table, key, expected, port);
        }
        return (int) port;
    }

    Set<String> domains(TomlTable toml, String key) throws ConfigException {
        Set<String> domains = new LinkedHashSet<>();
        TomlArray array = array(toml, key, "an array of domain names");
        for (int i = 0; i < array.size(); i++) {
            Object value = array.get(i);
            if (!(value instanceof String domain) || !DOMAIN.matcher(domain).matches()) {
                throw new ConfigException(at(array.inputPositionOf(i)) + key + ": expected a domain name such as \"example.com\", got " + show(value));
            }
            domains.add(domain.toLowerCase(Locale.ROOT));
        }
        return domains;
    }
}
