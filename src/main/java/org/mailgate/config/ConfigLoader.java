package org.mailgate.config;

import java.io.IOException;
import java.nio.file.Files;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tomlj.Toml;
import org.tomlj.TomlArray;
import org.tomlj.TomlParseError;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlPosition;
import org.tomlj.TomlTable;

/**
 * Reads a TOML config file into a {@link MailgateConfig}. Every unknown key, wrong type or bad
 * value is an error naming the file, the line and what was expected.
 */
public final class ConfigLoader {
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KiB|MiB|GiB)?");
    private static final Pattern DOMAIN = Pattern.compile("(?i)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*");

    private final Path file;

    private ConfigLoader(Path file) {
        this.file = file;
    }

    public static MailgateConfig load(Path file) throws ConfigException {
        return new ConfigLoader(file).load();
    }

    private MailgateConfig load() throws ConfigException {
        TomlParseResult toml;
        try {
            toml = Toml.parse(file);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage());
        }
        if (toml.hasErrors()) {
            TomlParseError error = toml.errors().get(0);
            throw new ConfigException(at(error.position()) + "TOML syntax error: " + error.getMessage());
        }
        allowOnly(toml, "", Set.of("hostname", "data-dir", "domains", "listener", "tls", "limits",
                "login-throttle", "sending-limits", "auto-ban", "trusted-proxies", "delivery"));
        Path base = file.toAbsolutePath().getParent();
        String hostname = toml.contains("hostname") ? hostname(toml, "hostname") : "localhost";
        Path dataDir = toml.contains("data-dir") ? base.resolve(string(toml, "data-dir", "a directory path")) : null;
        return new MailgateConfig(hostname, dataDir, domains(toml), listeners(toml), tls(toml, base), limits(toml),
                loginThrottle(toml), sendingLimits(toml), autoBan(toml), trustedProxies(toml), delivery(toml, base));
    }

    private DeliveryConfig delivery(TomlTable toml, Path base) throws ConfigException {
        DeliveryConfig d = DeliveryConfig.DEFAULTS;
        TomlTable t = section(toml, "delivery", Set.of("port", "dns-servers", "dnssec", "trust-anchors", "ca-file",
                "concurrency", "per-destination", "retry-first", "retry-max", "expire", "delay-warning", "connect-timeout",
                "command-timeout", "mta-sts-port", "tls-policy", "smarthost", "lmtp"));
        List<String> dnsServers = new ArrayList<>();
        if (t.contains("dns-servers")) {
            TomlArray array = array(t, "dns-servers", "an array of resolver addresses such as \"127.0.0.1\" or \"127.0.0.1:5353\"");
            for (int i = 0; i < array.size(); i++) {
                if (!(array.get(i) instanceof String server) || HostPort.parse(server, 53).isEmpty()) {
                    throw new ConfigException(at(array.inputPositionOf(i)) + "delivery.dns-servers: expected an address such as \"127.0.0.1\" or \"[::1]:5353\", got " + show(array.get(i)));
                }
                dnsServers.add(server);
            }
        }
        DeliveryConfig.Dnssec dnssec = d.dnssec();
        if (t.contains("dnssec")) {
            dnssec = switch (string(t, "dnssec", "\"validate\" or \"off\"")) {
                case "validate" -> DeliveryConfig.Dnssec.VALIDATE;
                case "off" -> DeliveryConfig.Dnssec.OFF;
                default -> throw wrong(t, "dnssec", "\"validate\" or \"off\"", t.get("dnssec"));
            };
        }
        Map<String, DeliveryConfig.TlsMode> tlsPolicy = new HashMap<>();
        if (t.contains("tls-policy")) {
            TomlTable policies = table(t, "tls-policy");
            for (String domain : policies.keySet()) {
                String expected = "\"require-tls\" or \"none\"";
                Object value = policies.get(List.of(domain));
                DeliveryConfig.TlsMode mode = "require-tls".equals(value) ? DeliveryConfig.TlsMode.REQUIRE_TLS
                        : "none".equals(value) ? DeliveryConfig.TlsMode.NONE : null;
                if (mode == null || !DOMAIN.matcher(domain).matches()) {
                    throw new ConfigException(at(policies.inputPositionOf(List.of(domain))) + "delivery.tls-policy: expected \"domain\" = "
                            + expected + ", got \"" + domain + "\" = " + show(value));
                }
                tlsPolicy.put(domain.toLowerCase(Locale.ROOT), mode);
            }
        }
        return new DeliveryConfig(port(t, "port", d.port()), dnsServers, dnssec,
                t.contains("trust-anchors") ? base.resolve(string(t, "trust-anchors", "a file path")) : null,
                t.contains("ca-file") ? base.resolve(string(t, "ca-file", "a PEM file path")) : null,
                positive(t, "concurrency", d.concurrency()), positive(t, "per-destination", d.perDestination()),
                duration(t, "retry-first", d.retryFirst()), duration(t, "retry-max", d.retryMax()),
                duration(t, "expire", d.expire()), duration(t, "delay-warning", d.delayWarning()),
                duration(t, "connect-timeout", d.connectTimeout()), duration(t, "command-timeout", d.commandTimeout()),
                port(t, "mta-sts-port", d.mtaStsPort()), tlsPolicy, smartHost(t, base), lmtp(t));
    }

    private DeliveryConfig.SmartHostConfig smartHost(TomlTable delivery, Path base) throws ConfigException {
        if (!delivery.contains("smarthost")) {
            return null;
        }
        TomlTable t = table(delivery, "smarthost");
        allowOnly(t, "delivery.smarthost.", Set.of("host", "port", "tls", "username", "password-file", "password-env", "domains"));
        require(t, "host", "delivery.smarthost.");
        String host = hostname(t, "host");
        boolean implicit = false;
        if (t.contains("tls")) {
            implicit = switch (string(t, "tls", "\"starttls\" or \"implicit\"")) {
                case "starttls" -> false;
                case "implicit" -> true;
                default -> throw wrong(t, "tls", "\"starttls\" or \"implicit\"", t.get("tls"));
            };
        }
        int port = port(t, "port", implicit ? 465 : 587);
        String username = t.contains("username") ? string(t, "username", "a login name") : null;
        String password = null;
        if (t.contains("password-file") && t.contains("password-env")) {
            throw new ConfigException(at(t.inputPositionOf("password-env")) + "delivery.smarthost: password-file and password-env are exclusive: give one");
        }
        if (t.contains("password-file")) {
            Path file = base.resolve(string(t, "password-file", "a file path"));
            try {
                password = Files.readString(file).strip();
            } catch (IOException e) {
                throw new ConfigException(at(t.inputPositionOf("password-file")) + "delivery.smarthost.password-file: cannot read " + file + ": " + e.getMessage());
            }
        } else if (t.contains("password-env")) {
            String variable = string(t, "password-env", "an environment variable name");
            password = System.getenv(variable);
            if (password == null || password.isEmpty()) {
                throw new ConfigException(at(t.inputPositionOf("password-env")) + "delivery.smarthost.password-env: the environment variable " + variable + " is not set");
            }
        }
        if ((username == null) != (password == null)) {
            throw new ConfigException(file + ": delivery.smarthost: username and a password (password-file or password-env) go together");
        }
        return new DeliveryConfig.SmartHostConfig(host, port, implicit, username, password, domains(t));
    }

    private DeliveryConfig.LmtpConfig lmtp(TomlTable delivery) throws ConfigException {
        if (!delivery.contains("lmtp")) {
            return null;
        }
        String expected = "\"host:port\" of an LMTP server such as Dovecot's, e.g. \"127.0.0.1:24\"";
        String value = string(delivery, "lmtp", expected);
        Optional<HostPort> target = HostPort.parse(value, 24);
        if (target.isEmpty()) {
            throw wrong(delivery, "lmtp", expected, value);
        }
        return new DeliveryConfig.LmtpConfig(target.get().host(), target.get().port());
    }

    private int port(TomlTable table, String key, int absent) throws ConfigException {
        if (!table.contains(List.of(key))) {
            return absent;
        }
        long port = integer(table, key, "a port number from 1 to 65535");
        if (port < 1 || port > 65535) {
            throw wrong(table, key, "a port number from 1 to 65535", port);
        }
        return (int) port;
    }

    private List<AddressRange> trustedProxies(TomlTable toml) throws ConfigException {
        List<AddressRange> ranges = new ArrayList<>();
        if (!toml.contains("trusted-proxies")) {
            return ranges;
        }
        String expected = "addresses or networks such as \"10.0.0.0/8\" or \"2001:db8::/32\"";
        TomlArray array = array(toml, "trusted-proxies", "an array of " + expected);
        for (int i = 0; i < array.size(); i++) {
            AddressRange range = array.get(i) instanceof String text ? AddressRange.parse(text).orElse(null) : null;
            if (range == null) {
                throw new ConfigException(at(array.inputPositionOf(i)) + "trusted-proxies: expected " + expected + ", got " + show(array.get(i)));
            }
            ranges.add(range);
        }
        return ranges;
    }

    private Set<String> domains(TomlTable toml) throws ConfigException {
        Set<String> domains = new LinkedHashSet<>();
        if (!toml.contains("domains")) {
            return domains;
        }
        TomlArray array = array(toml, "domains", "an array of domain names");
        for (int i = 0; i < array.size(); i++) {
            Object value = array.get(i);
            if (!(value instanceof String domain) || !DOMAIN.matcher(domain).matches()) {
                throw new ConfigException(at(array.inputPositionOf(i)) + "domains: expected a domain name such as \"example.com\", got " + show(value));
            }
            domains.add(domain.toLowerCase(Locale.ROOT));
        }
        return domains;
    }

    private List<ListenerConfig> listeners(TomlTable toml) throws ConfigException {
        if (!toml.contains("listener")) {
            throw new ConfigException(file + ": no [[listener]] defined: expected at least one, e.g.\n"
                    + "[[listener]]\naddress = \"0.0.0.0\"\nport = 587\nkind = \"submission\"");
        }
        if (!toml.isArray("listener")) {
            throw new ConfigException(at(toml.inputPositionOf("listener")) + "listener: expected [[listener]] tables");
        }
        TomlArray array = toml.getArrayOrEmpty("listener");
        List<ListenerConfig> listeners = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            if (!(array.get(i) instanceof TomlTable table)) {
                throw new ConfigException(at(array.inputPositionOf(i)) + "listener: expected a [[listener]] table");
            }
            allowOnly(table, "listener.", Set.of("address", "port", "kind", "proxy-protocol"));
            require(table, "address", "listener.");
            String addressText = string(table, "address", "an IP address such as \"0.0.0.0\" or \"::\"");
            if (!AddressRange.isAddressLiteral(addressText)) {
                throw new ConfigException(at(table.inputPositionOf("address")) + "listener.address: expected an IP address such as \"0.0.0.0\" or \"::\", got \"" + addressText + "\"");
            }
            require(table, "port", "listener.");
            long port = integer(table, "port", "a port number from 0 to 65535");
            if (port < 0 || port > 65535) {
                throw new ConfigException(at(table.inputPositionOf("port")) + "listener.port: expected a port number from 0 to 65535, got " + port);
            }
            require(table, "kind", "listener.");
            String kind = string(table, "kind", "one of \"submission\", \"submissions\", \"inbound\"");
            ListenerKind parsed = switch (kind) {
                case "submission" -> ListenerKind.SUBMISSION;
                case "submissions" -> ListenerKind.SUBMISSIONS;
                case "inbound" -> ListenerKind.INBOUND;
                default -> throw new ConfigException(at(table.inputPositionOf("kind"))
                        + "listener.kind: expected one of \"submission\", \"submissions\", \"inbound\", got \"" + kind + "\"");
            };
            boolean proxy = false;
            if (table.contains("proxy-protocol")) {
                if (!(table.get("proxy-protocol") instanceof Boolean flag)) {
                    throw wrong(table, "proxy-protocol", "true or false", table.get("proxy-protocol"));
                }
                proxy = flag;
            }
            listeners.add(new ListenerConfig(addressText, (int) port, parsed, proxy));
        }
        return listeners;
    }

    private TlsConfig tls(TomlTable toml, Path base) throws ConfigException {
        if (!toml.contains("tls")) {
            return null;
        }
        TomlTable table = table(toml, "tls");
        allowOnly(table, "tls.", Set.of("certificate", "key", "sni"));
        TlsConfig.CertificateFiles main = certificateFiles(table, "tls.", base);
        List<TlsConfig.CertificateFiles> sni = new ArrayList<>();
        if (table.contains("sni")) {
            TomlArray array = table.isArray("sni") ? table.getArrayOrEmpty("sni") : null;
            for (int i = 0; array != null && i < array.size(); i++) {
                if (!(array.get(i) instanceof TomlTable entry)) {
                    array = null;
                    break;
                }
                allowOnly(entry, "tls.sni.", Set.of("certificate", "key"));
                sni.add(certificateFiles(entry, "tls.sni.", base));
            }
            if (array == null) {
                throw wrong(table, "sni", "[[tls.sni]] tables, each with certificate and key", table.get("sni"));
            }
        }
        return new TlsConfig(main.certificate(), main.key(), sni);
    }

    private TlsConfig.CertificateFiles certificateFiles(TomlTable table, String prefix, Path base) throws ConfigException {
        require(table, "certificate", prefix);
        require(table, "key", prefix);
        return new TlsConfig.CertificateFiles(base.resolve(string(table, "certificate", "a PEM file path")),
                base.resolve(string(table, "key", "a PEM file path")));
    }

    private Limits limits(TomlTable toml) throws ConfigException {
        Limits d = Limits.DEFAULTS;
        TomlTable t = section(toml, "limits", Set.of("max-message-size", "max-recipients", "max-header-size", "max-errors",
                "max-junk-commands", "auth-failure-delay", "auth-cache-ttl", "command-timeout", "data-timeout",
                "tls-handshake-timeout", "session-timeout", "shutdown-grace", "max-connections",
                "max-connections-per-address", "max-connection-rate", "max-tls-handshakes"));
        return new Limits(
                t.contains("max-message-size") ? size(t, "max-message-size") : d.maxMessageSize(),
                positive(t, "max-recipients", d.maxRecipients()),
                t.contains("max-header-size") ? (int) Math.min(size(t, "max-header-size"), Integer.MAX_VALUE) : d.maxHeaderSize(),
                positive(t, "max-errors", d.maxErrors()),
                positive(t, "max-junk-commands", d.maxJunkCommands()),
                duration(t, "auth-failure-delay", d.authFailureDelay()),
                duration(t, "auth-cache-ttl", d.authCacheTtl()),
                duration(t, "command-timeout", d.commandTimeout()),
                duration(t, "data-timeout", d.dataTimeout()),
                duration(t, "tls-handshake-timeout", d.tlsHandshakeTimeout()),
                duration(t, "session-timeout", d.sessionTimeout()),
                duration(t, "shutdown-grace", d.shutdownGrace()),
                positive(t, "max-connections", d.maxConnections()),
                positive(t, "max-connections-per-address", d.maxConnectionsPerAddress()),
                positive(t, "max-connection-rate", d.maxConnectionRate()),
                positive(t, "max-tls-handshakes", d.maxTlsHandshakes()));
    }

    private LoginThrottleConfig loginThrottle(TomlTable toml) throws ConfigException {
        LoginThrottleConfig d = LoginThrottleConfig.DEFAULTS;
        TomlTable t = section(toml, "login-throttle", Set.of("window", "delay-after", "max-delay", "lockout-after", "lockout", "known-good"));
        return new LoginThrottleConfig(
                duration(t, "window", d.window()),
                positive(t, "delay-after", d.delayAfter()),
                duration(t, "max-delay", d.maxDelay()),
                positive(t, "lockout-after", d.lockoutAfter()),
                duration(t, "lockout", d.lockout()),
                duration(t, "known-good", d.knownGood()));
    }

    private SendingLimitsConfig sendingLimits(TomlTable toml) throws ConfigException {
        SendingLimitsConfig d = SendingLimitsConfig.DEFAULTS;
        TomlTable t = section(toml, "sending-limits", Set.of("messages-per-hour", "messages-per-day", "recipients-per-hour", "recipients-per-day"));
        return new SendingLimitsConfig(
                positive(t, "messages-per-hour", d.messagesPerHour()),
                positive(t, "messages-per-day", d.messagesPerDay()),
                positive(t, "recipients-per-hour", d.recipientsPerHour()),
                positive(t, "recipients-per-day", d.recipientsPerDay()));
    }

    private AutoBanConfig autoBan(TomlTable toml) throws ConfigException {
        AutoBanConfig d = AutoBanConfig.DEFAULTS;
        TomlTable t = section(toml, "auto-ban", Set.of("window", "failed-logins", "relay-attempts", "unknown-recipients", "duration"));
        return new AutoBanConfig(
                duration(t, "window", d.window()),
                positive(t, "failed-logins", d.failedLogins()),
                positive(t, "relay-attempts", d.relayAttempts()),
                positive(t, "unknown-recipients", d.unknownRecipients()),
                duration(t, "duration", d.duration()));
    }

    /** An optional table with these keys only; when absent, an empty one, so every value takes its default. */
    private TomlTable section(TomlTable toml, String name, Set<String> keys) throws ConfigException {
        if (!toml.contains(name)) {
            return Toml.parse("");
        }
        TomlTable table = table(toml, name);
        allowOnly(table, name + ".", keys);
        return table;
    }

    private void allowOnly(TomlTable table, String prefix, Set<String> allowed) throws ConfigException {
        for (String key : table.keySet()) {
            if (!allowed.contains(key)) {
                throw new ConfigException(at(table.inputPositionOf(List.of(key))) + "unknown key \"" + prefix + key
                        + "\": expected one of " + String.join(", ", allowed.stream().sorted().toList()));
            }
        }
    }

    private void require(TomlTable table, String key, String prefix) throws ConfigException {
        if (!table.contains(List.of(key))) {
            throw new ConfigException(file + ": " + prefix + key + " is required");
        }
    }

    private String hostname(TomlTable table, String key) throws ConfigException {
        String value = string(table, key, "a host name such as \"mail.example.com\"");
        if (!DOMAIN.matcher(value).matches()) {
            throw new ConfigException(at(table.inputPositionOf(List.of(key))) + key + ": expected a host name such as \"mail.example.com\", got \"" + value + "\"");
        }
        return value.toLowerCase(Locale.ROOT);
    }

    private String string(TomlTable table, String key, String expected) throws ConfigException {
        Object value = table.get(List.of(key));
        if (!(value instanceof String text) || text.isBlank()) {
            throw wrong(table, key, expected, value);
        }
        return text;
    }

    private long integer(TomlTable table, String key, String expected) throws ConfigException {
        Object value = table.get(List.of(key));
        if (!(value instanceof Long number)) {
            throw wrong(table, key, expected, value);
        }
        return number;
    }

    private int positive(TomlTable table, String key, int absent) throws ConfigException {
        if (!table.contains(List.of(key))) {
            return absent;
        }
        long value = integer(table, key, "a positive integer");
        if (value <= 0 || value > Integer.MAX_VALUE) {
            throw wrong(table, key, "a positive integer", value);
        }
        return (int) value;
    }

    /** A size in bytes: an integer, or a string such as "25MiB". */
    private long size(TomlTable table, String key) throws ConfigException {
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
    private Duration duration(TomlTable table, String key, Duration absent) throws ConfigException {
        if (!table.contains(List.of(key))) {
            return absent;
        }
        Object value = table.get(List.of(key));
        Optional<Duration> duration = value instanceof String text ? Durations.parse(text) : Optional.empty();
        if (duration.isEmpty()) {
            throw wrong(table, key, "a duration such as " + Durations.EXAMPLES, value);
        }
        return duration.get();
    }

    private TomlArray array(TomlTable table, String key, String expected) throws ConfigException {
        Object value = table.get(List.of(key));
        if (!(value instanceof TomlArray array)) {
            throw wrong(table, key, expected, value);
        }
        return array;
    }

    private TomlTable table(TomlTable table, String key) throws ConfigException {
        Object value = table.get(List.of(key));
        if (!(value instanceof TomlTable child)) {
            throw wrong(table, key, "a table [" + key + "]", value);
        }
        return child;
    }

    private ConfigException wrong(TomlTable table, String key, String expected, Object value) {
        return new ConfigException(at(table.inputPositionOf(List.of(key))) + key + ": expected " + expected + ", got " + show(value));
    }

    private static String show(Object value) {
        return switch (value) {
            case null -> "nothing";
            case String s -> "\"" + s + "\"";
            case TomlTable t -> "a table";
            case TomlArray a -> "an array";
            default -> value.toString();
        };
    }

    private String at(TomlPosition position) {
        return position == null ? file + ": " : file + ":" + position.line() + ":" + position.column() + ": ";
    }
}
