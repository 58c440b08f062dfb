package org.mailgate.config;

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

/** The [delivery] values that are more than one scalar: resolver lists, the TLS overrides, the smart host, LMTP. */
final class DeliveryValues {
    private DeliveryValues() {}

    static final ValueType<List<String>> DNS_SERVERS = (r, t, key) -> {
        TomlArray array = r.array(t, key.name(), "an array of resolver addresses such as \"127.0.0.1\" or \"127.0.0.1:5353\"");
        List<String> servers = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            if (!(array.get(i) instanceof String server) || HostPort.parse(server, 53).isEmpty()) {
                throw new ConfigException(r.at(array.inputPositionOf(i)) + key.path() + ": expected an address such as \"127.0.0.1\" or \"[::1]:5353\", got "
                        + TomlReader.show(array.get(i)));
            }
            servers.add(server);
        }
        return List.copyOf(servers);
    };

    static final ValueType<Map<String, DeliveryConfig.TlsMode>> TLS_POLICY = (r, t, key) -> {
        TomlTable policies = r.table(t, key.name());
        Map<String, DeliveryConfig.TlsMode> modes = new HashMap<>();
        for (String domain : policies.keySet()) {
            Object value = policies.get(List.of(domain));
            DeliveryConfig.TlsMode mode = "require-tls".equals(value) ? DeliveryConfig.TlsMode.REQUIRE_TLS
                    : "none".equals(value) ? DeliveryConfig.TlsMode.NONE : null;
            if (mode == null || !TomlReader.DOMAIN.matcher(domain).matches()) {
                throw new ConfigException(r.at(policies.inputPositionOf(List.of(domain))) + key.path()
                        + ": expected \"domain\" = \"require-tls\" or \"none\", got \"" + domain + "\" = " + TomlReader.show(value));
            }
            modes.put(domain.toLowerCase(Locale.ROOT), mode);
        }
        return Map.copyOf(modes);
    };

    static final ValueType<DeliveryConfig.LmtpConfig> LMTP = (r, t, key) -> {
        String expected = "\"host:port\" of an LMTP server such as Dovecot's, e.g. \"127.0.0.1:24\"";
        String value = r.string(t, key.name(), expected);
        Optional<HostPort> target = HostPort.parse(value, 24);
        if (target.isEmpty()) {
            throw r.wrong(t, key.name(), expected, value);
        }
        return new DeliveryConfig.LmtpConfig(target.get().host(), target.get().port());
    };

    /** [delivery.smarthost]: its keys, then what they must say together. */
    static final Table SMART_HOST_TABLE = new Table("delivery.smarthost");
    static final Key<String> HOST = SMART_HOST_TABLE.required("host", ValueType.HOSTNAME);
    /** Absent: 465 with implicit TLS, else 587. */
    static final Key<Integer> PORT = SMART_HOST_TABLE.key("port", ValueType.PORT, null);
    static final Key<Boolean> IMPLICIT_TLS = SMART_HOST_TABLE.key("tls",
            ValueType.choice("\"starttls\" or \"implicit\"", Map.of("starttls", false, "implicit", true)), false);
    static final Key<String> USERNAME = SMART_HOST_TABLE.key("username", ValueType.string("a login name"), null);
    static final Key<Path> PASSWORD_FILE = SMART_HOST_TABLE.key("password-file", ValueType.path("a file path"), null);
    static final Key<String> PASSWORD_ENV = SMART_HOST_TABLE.key("password-env", ValueType.string("an environment variable name"), null);
    static final Key<Set<String>> DOMAINS = SMART_HOST_TABLE.key("domains", ValueType.DOMAINS, Set.of());

    static final ValueType<DeliveryConfig.SmartHostConfig> SMART_HOST = (r, delivery, key) -> {
        TomlTable t = r.table(delivery, key.name());
        Values v = SMART_HOST_TABLE.read(r, t);
        String password = Passwords.read(r, t, v, PASSWORD_FILE, PASSWORD_ENV);
        if ((v.get(USERNAME) == null) != (password == null)) {
            throw new ConfigException(r.file() + ": delivery.smarthost: username and a password (password-file or password-env) go together");
        }
        boolean implicit = v.get(IMPLICIT_TLS);
        int port = v.get(PORT) != null ? v.get(PORT) : implicit ? 465 : 587;
        return new DeliveryConfig.SmartHostConfig(v.get(HOST), port, implicit, v.get(USERNAME), password, v.get(DOMAINS), v.get(PASSWORD_FILE));
    };
}
