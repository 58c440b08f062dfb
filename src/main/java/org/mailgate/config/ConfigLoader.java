package org.mailgate.config;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.tomlj.Toml;
import org.tomlj.TomlArray;
import org.tomlj.TomlParseError;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlTable;

/**
 * Reads a TOML config file into a {@link MailgateConfig}. Every unknown key, wrong type or bad
 * value is an error naming the file, the line and what was expected.
 */
public final class ConfigLoader {
    private final Path file;
    private final TomlReader r;

    private ConfigLoader(Path file) {
        this.file = file;
        this.r = new TomlReader(file);
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
            throw new ConfigException(r.at(error.position()) + "TOML syntax error: " + error.getMessage());
        }
        r.allowOnly(toml, "", Set.of("hostname", "data-dir", "domains", "listener", "tls", "limits",
                "login-throttle", "sending-limits", "auto-ban", "trusted-proxies", "delivery", "postmaster"));
        Path base = file.toAbsolutePath().getParent();
        String hostname = toml.contains("hostname") ? r.hostname(toml, "hostname") : "localhost";
        Path dataDir = toml.contains("data-dir") ? base.resolve(r.string(toml, "data-dir", "a directory path")) : null;
        return new MailgateConfig(hostname, dataDir, r.domains(toml), listeners(toml), tls(toml, base), limits(toml),
                loginThrottle(toml), sendingLimits(toml), autoBan(toml), trustedProxies(toml), new DeliveryConfigReader(r).read(toml, base),
                toml.contains("postmaster") ? r.address(toml, "postmaster") : null);
    }

    private List<AddressRange> trustedProxies(TomlTable toml) throws ConfigException {
        List<AddressRange> ranges = new ArrayList<>();
        if (!toml.contains("trusted-proxies")) {
            return ranges;
        }
        String expected = "addresses or networks such as \"10.0.0.0/8\" or \"2001:db8::/32\"";
        TomlArray array = r.array(toml, "trusted-proxies", "an array of " + expected);
        for (int i = 0; i < array.size(); i++) {
            AddressRange range = array.get(i) instanceof String text ? AddressRange.parse(text).orElse(null) : null;
            if (range == null) {
                throw new ConfigException(r.at(array.inputPositionOf(i)) + "trusted-proxies: expected " + expected + ", got " + r.show(array.get(i)));
            }
            ranges.add(range);
        }
        return ranges;
    }

    private List<ListenerConfig> listeners(TomlTable toml) throws ConfigException {
        if (!toml.contains("listener")) {
            throw new ConfigException(file + ": no [[listener]] defined: expected at least one, e.g.\n"
                    + "[[listener]]\naddress = \"0.0.0.0\"\nport = 587\nkind = \"submission\"");
        }
        if (!toml.isArray("listener")) {
            throw new ConfigException(r.at(toml.inputPositionOf("listener")) + "listener: expected [[listener]] tables");
        }
        TomlArray array = toml.getArrayOrEmpty("listener");
        List<ListenerConfig> listeners = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            if (!(array.get(i) instanceof TomlTable table)) {
                throw new ConfigException(r.at(array.inputPositionOf(i)) + "listener: expected a [[listener]] table");
            }
            r.allowOnly(table, "listener.", Set.of("address", "port", "kind", "proxy-protocol"));
            r.require(table, "address", "listener.");
            String addressText = r.string(table, "address", "an IP address such as \"0.0.0.0\" or \"::\"");
            if (!AddressRange.isAddressLiteral(addressText)) {
                throw new ConfigException(r.at(table.inputPositionOf("address")) + "listener.address: expected an IP address such as \"0.0.0.0\" or \"::\", got \"" + addressText + "\"");
            }
            r.require(table, "port", "listener.");
            long port = r.integer(table, "port", "a port number from 0 to 65535");
            if (port < 0 || port > 65535) {
                throw new ConfigException(r.at(table.inputPositionOf("port")) + "listener.port: expected a port number from 0 to 65535, got " + port);
            }
            r.require(table, "kind", "listener.");
            String kind = r.string(table, "kind", "one of \"submission\", \"submissions\", \"inbound\"");
            ListenerKind parsed = switch (kind) {
                case "submission" -> ListenerKind.SUBMISSION;
                case "submissions" -> ListenerKind.SUBMISSIONS;
                case "inbound" -> ListenerKind.INBOUND;
                default -> throw new ConfigException(r.at(table.inputPositionOf("kind"))
                        + "listener.kind: expected one of \"submission\", \"submissions\", \"inbound\", got \"" + kind + "\"");
            };
            listeners.add(new ListenerConfig(addressText, (int) port, parsed, r.flag(table, "proxy-protocol", false)));
        }
        return listeners;
    }

    private TlsConfig tls(TomlTable toml, Path base) throws ConfigException {
        if (!toml.contains("tls")) {
            return null;
        }
        TomlTable table = r.table(toml, "tls");
        r.allowOnly(table, "tls.", Set.of("certificate", "key", "sni"));
        TlsConfig.CertificateFiles main = certificateFiles(table, "tls.", base);
        List<TlsConfig.CertificateFiles> sni = new ArrayList<>();
        if (table.contains("sni")) {
            TomlArray array = table.isArray("sni") ? table.getArrayOrEmpty("sni") : null;
            for (int i = 0; array != null && i < array.size(); i++) {
                if (!(array.get(i) instanceof TomlTable entry)) {
                    array = null;
                    break;
                }
                r.allowOnly(entry, "tls.sni.", Set.of("certificate", "key"));
                sni.add(certificateFiles(entry, "tls.sni.", base));
            }
            if (array == null) {
                throw r.wrong(table, "sni", "[[tls.sni]] tables, each with certificate and key", table.get("sni"));
            }
        }
        return new TlsConfig(main.certificate(), main.key(), sni);
    }

    private TlsConfig.CertificateFiles certificateFiles(TomlTable table, String prefix, Path base) throws ConfigException {
        r.require(table, "certificate", prefix);
        r.require(table, "key", prefix);
        return new TlsConfig.CertificateFiles(base.resolve(r.string(table, "certificate", "a PEM file path")),
                base.resolve(r.string(table, "key", "a PEM file path")));
    }

    private Limits limits(TomlTable toml) throws ConfigException {
        Limits d = Limits.DEFAULTS;
        TomlTable t = r.section(toml, "limits", Set.of("max-message-size", "max-recipients", "max-header-size", "max-errors",
                "max-junk-commands", "auth-failure-delay", "auth-cache-ttl", "command-timeout", "data-timeout",
                "tls-handshake-timeout", "session-timeout", "shutdown-grace", "max-connections",
                "max-connections-per-address", "max-connection-rate", "max-tls-handshakes", "max-tls-handshakes-per-address",
                "bare-line-feed"));
        return new Limits(
                t.contains("max-message-size") ? r.size(t, "max-message-size") : d.maxMessageSize(),
                r.positive(t, "max-recipients", d.maxRecipients()),
                t.contains("max-header-size") ? (int) Math.min(r.size(t, "max-header-size"), Integer.MAX_VALUE) : d.maxHeaderSize(),
                r.positive(t, "max-errors", d.maxErrors()),
                r.positive(t, "max-junk-commands", d.maxJunkCommands()),
                r.duration(t, "auth-failure-delay", d.authFailureDelay()),
                r.duration(t, "auth-cache-ttl", d.authCacheTtl()),
                r.duration(t, "command-timeout", d.commandTimeout()),
                r.duration(t, "data-timeout", d.dataTimeout()),
                r.duration(t, "tls-handshake-timeout", d.tlsHandshakeTimeout()),
                r.duration(t, "session-timeout", d.sessionTimeout()),
                r.duration(t, "shutdown-grace", d.shutdownGrace()),
                r.positive(t, "max-connections", d.maxConnections()),
                r.positive(t, "max-connections-per-address", d.maxConnectionsPerAddress()),
                r.positive(t, "max-connection-rate", d.maxConnectionRate()),
                r.positive(t, "max-tls-handshakes", d.maxTlsHandshakes()),
                r.positive(t, "max-tls-handshakes-per-address", d.maxTlsHandshakesPerAddress()),
                r.choice(t, "bare-line-feed", List.of("reject", "normalize"), d.normalizeBareLineFeeds() ? "normalize" : "reject")
                        .equals("normalize"));
    }

    private LoginThrottleConfig loginThrottle(TomlTable toml) throws ConfigException {
        LoginThrottleConfig d = LoginThrottleConfig.DEFAULTS;
        TomlTable t = r.section(toml, "login-throttle", Set.of("window", "delay-after", "max-delay", "lockout-after", "lockout", "known-good"));
        return new LoginThrottleConfig(
                r.duration(t, "window", d.window()),
                r.positive(t, "delay-after", d.delayAfter()),
                r.duration(t, "max-delay", d.maxDelay()),
                r.positive(t, "lockout-after", d.lockoutAfter()),
                r.duration(t, "lockout", d.lockout()),
                r.duration(t, "known-good", d.knownGood()));
    }

    private SendingLimitsConfig sendingLimits(TomlTable toml) throws ConfigException {
        SendingLimitsConfig d = SendingLimitsConfig.DEFAULTS;
        TomlTable t = r.section(toml, "sending-limits", Set.of("messages-per-hour", "messages-per-day", "recipients-per-hour", "recipients-per-day"));
        return new SendingLimitsConfig(
                r.positive(t, "messages-per-hour", d.messagesPerHour()),
                r.positive(t, "messages-per-day", d.messagesPerDay()),
                r.positive(t, "recipients-per-hour", d.recipientsPerHour()),
                r.positive(t, "recipients-per-day", d.recipientsPerDay()));
    }

    private AutoBanConfig autoBan(TomlTable toml) throws ConfigException {
        AutoBanConfig d = AutoBanConfig.DEFAULTS;
        TomlTable t = r.section(toml, "auto-ban", Set.of("window", "failed-logins", "relay-attempts", "unknown-recipients", "duration"));
        return new AutoBanConfig(
                r.duration(t, "window", d.window()),
                r.positive(t, "failed-logins", d.failedLogins()),
                r.positive(t, "relay-attempts", d.relayAttempts()),
                r.positive(t, "unknown-recipients", d.unknownRecipients()),
                r.duration(t, "duration", d.duration()));
    }

}
