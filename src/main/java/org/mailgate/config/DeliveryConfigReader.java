package org.mailgate.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.tomlj.TomlArray;
import org.tomlj.TomlTable;

/** Reads the config's [delivery] table and its sub-tables (tls-policy, smarthost) into a {@link DeliveryConfig}. */
final class DeliveryConfigReader {
    private final TomlReader r;

    DeliveryConfigReader(TomlReader reader) {
        this.r = reader;
    }

    DeliveryConfig read(TomlTable toml, Path base) throws ConfigException {
        DeliveryConfig d = DeliveryConfig.DEFAULTS;
        TomlTable t = r.section(toml, "delivery", Set.of("port", "dns-servers", "dnssec", "trust-anchors", "ca-file",
                "concurrency", "per-destination", "retry-first", "retry-max", "expire", "delay-warning", "connect-timeout",
                "command-timeout", "mta-sts-port", "tls-policy", "smarthost", "lmtp", "enabled", "allow-private-literals"));
        List<String> dnsServers = new ArrayList<>();
        if (t.contains("dns-servers")) {
            TomlArray array = r.array(t, "dns-servers", "an array of resolver addresses such as \"127.0.0.1\" or \"127.0.0.1:5353\"");
            for (int i = 0; i < array.size(); i++) {
                if (!(array.get(i) instanceof String server) || HostPort.parse(server, 53).isEmpty()) {
                    throw new ConfigException(r.at(array.inputPositionOf(i)) + "delivery.dns-servers: expected an address such as \"127.0.0.1\" or \"[::1]:5353\", got " + r.show(array.get(i)));
                }
                dnsServers.add(server);
            }
        }
        DeliveryConfig.Dnssec dnssec = d.dnssec();
        if (t.contains("dnssec")) {
            dnssec = switch (r.string(t, "dnssec", "\"validate\" or \"off\"")) {
                case "validate" -> DeliveryConfig.Dnssec.VALIDATE;
                case "off" -> DeliveryConfig.Dnssec.OFF;
                default -> throw r.wrong(t, "dnssec", "\"validate\" or \"off\"", t.get("dnssec"));
            };
        }
        Map<String, DeliveryConfig.TlsMode> tlsPolicy = new HashMap<>();
        if (t.contains("tls-policy")) {
            TomlTable policies = r.table(t, "tls-policy");
            for (String domain : policies.keySet()) {
                String expected = "\"require-tls\" or \"none\"";
                Object value = policies.get(List.of(domain));
                DeliveryConfig.TlsMode mode = "require-tls".equals(value) ? DeliveryConfig.TlsMode.REQUIRE_TLS
                        : "none".equals(value) ? DeliveryConfig.TlsMode.NONE : null;
                if (mode == null || !TomlReader.DOMAIN.matcher(domain).matches()) {
                    throw new ConfigException(r.at(policies.inputPositionOf(List.of(domain))) + "delivery.tls-policy: expected \"domain\" = "
                            + expected + ", got \"" + domain + "\" = " + r.show(value));
                }
                tlsPolicy.put(domain.toLowerCase(Locale.ROOT), mode);
            }
        }
        return new DeliveryConfig(r.port(t, "port", d.port()), dnsServers, dnssec,
                readableFile(t, "trust-anchors", "a file of DS or DNSKEY records", base),
                readableFile(t, "ca-file", "a PEM file of CA certificates", base),
                r.positive(t, "concurrency", d.concurrency()), r.positive(t, "per-destination", d.perDestination()),
                r.duration(t, "retry-first", d.retryFirst()), r.duration(t, "retry-max", d.retryMax()),
                r.duration(t, "expire", d.expire()), r.duration(t, "delay-warning", d.delayWarning()),
                r.duration(t, "connect-timeout", d.connectTimeout()), r.duration(t, "command-timeout", d.commandTimeout()),
                r.port(t, "mta-sts-port", d.mtaStsPort()), tlsPolicy, smartHost(t, base), lmtp(t), r.flag(t, "enabled", d.enabled()),
                r.flag(t, "allow-private-literals", d.allowPrivateLiterals()));
    }

    private DeliveryConfig.SmartHostConfig smartHost(TomlTable delivery, Path base) throws ConfigException {
        if (!delivery.contains("smarthost")) {
            return null;
        }
        TomlTable t = r.table(delivery, "smarthost");
        r.allowOnly(t, "delivery.smarthost.", Set.of("host", "port", "tls", "username", "password-file", "password-env", "domains"));
        r.require(t, "host", "delivery.smarthost.");
        String host = r.hostname(t, "host");
        boolean implicit = false;
        if (t.contains("tls")) {
            implicit = switch (r.string(t, "tls", "\"starttls\" or \"implicit\"")) {
                case "starttls" -> false;
                case "implicit" -> true;
                default -> throw r.wrong(t, "tls", "\"starttls\" or \"implicit\"", t.get("tls"));
            };
        }
        int port = r.port(t, "port", implicit ? 465 : 587);
        String username = t.contains("username") ? r.string(t, "username", "a login name") : null;
        String password = null;
        if (t.contains("password-file") && t.contains("password-env")) {
            throw new ConfigException(r.at(t.inputPositionOf("password-env")) + "delivery.smarthost: password-file and password-env are exclusive: give one");
        }
        if (t.contains("password-file")) {
            Path file = base.resolve(r.string(t, "password-file", "a file path"));
            try {
                password = Files.readString(file).strip();
            } catch (IOException e) {
                throw new ConfigException(r.at(t.inputPositionOf("password-file")) + "delivery.smarthost.password-file: cannot read " + file + ": " + e.getMessage());
            }
        } else if (t.contains("password-env")) {
            String variable = r.string(t, "password-env", "an environment variable name");
            password = System.getenv(variable);
            if (password == null || password.isEmpty()) {
                throw new ConfigException(r.at(t.inputPositionOf("password-env")) + "delivery.smarthost.password-env: the environment variable " + variable + " is not set");
            }
        }
        if ((username == null) != (password == null)) {
            throw new ConfigException(r.file() + ": delivery.smarthost: username and a password (password-file or password-env) go together");
        }
        return new DeliveryConfig.SmartHostConfig(host, port, implicit, username, password, r.domains(t));
    }

    private DeliveryConfig.LmtpConfig lmtp(TomlTable delivery) throws ConfigException {
        if (!delivery.contains("lmtp")) {
            return null;
        }
        String expected = "\"host:port\" of an LMTP server such as Dovecot's, e.g. \"127.0.0.1:24\"";
        String value = r.string(delivery, "lmtp", expected);
        Optional<HostPort> target = HostPort.parse(value, 24);
        if (target.isEmpty()) {
            throw r.wrong(delivery, "lmtp", expected, value);
        }
        return new DeliveryConfig.LmtpConfig(target.get().host(), target.get().port());
    }

    /** An optional file that must be there when named: a typo is found at start, not at the first delivery. */
    private Path readableFile(TomlTable table, String key, String expected, Path base) throws ConfigException {
        if (!table.contains(key)) {
            return null;
        }
        Path path = base.resolve(r.string(table, key, expected));
        if (!Files.isReadable(path)) {
            throw new ConfigException(r.at(table.inputPositionOf(key)) + "delivery." + key + ": cannot read " + path + " (expected " + expected + ")");
        }
        return path;
    }

}
