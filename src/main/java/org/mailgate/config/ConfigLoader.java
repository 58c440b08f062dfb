package org.mailgate.config;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tomlj.Toml;
import org.tomlj.TomlArray;
import org.tomlj.TomlParseError;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlTable;

/**
 * Reads a TOML config file into a {@link MailgateConfig}. Every unknown key, wrong type or bad
 * value is an error naming the file, the line and what was expected. The file's top-level keys,
 * its [[listener]] and [tls] tables are declared here; each other table declares its own keys.
 */
public final class ConfigLoader {
    static final Table TOP = new Table("");
    static final Key<String> HOSTNAME = TOP.key("hostname", ValueType.HOSTNAME, "localhost");
    static final Key<Path> DATA_DIR = TOP.key("data-dir", ValueType.path("a directory path"), null);
    static final Key<Set<String>> DOMAINS = TOP.key("domains", ValueType.DOMAINS, Set.of());
    static final Key<List<ListenerConfig>> LISTENERS = TOP.required("listener", ConfigLoader::listeners,
            "no [[listener]] defined: expected at least one, e.g.\n[[listener]]\naddress = \"0.0.0.0\"\nport = 587\nkind = \"submission\"");
    static final Key<TlsConfig> TLS = TOP.key("tls", ConfigLoader::tls, null);
    static final Key<Limits> LIMITS = TOP.key("limits", ValueType.table(Limits.TABLE, Limits::new), Limits.DEFAULTS);
    static final Key<LoginThrottleConfig> LOGIN_THROTTLE = TOP.key("login-throttle",
            ValueType.table(LoginThrottleConfig.TABLE, LoginThrottleConfig::new), LoginThrottleConfig.DEFAULTS);
    static final Key<SendingLimitsConfig> SENDING_LIMITS = TOP.key("sending-limits",
            ValueType.table(SendingLimitsConfig.TABLE, SendingLimitsConfig::new), SendingLimitsConfig.DEFAULTS);
    static final Key<AutoBanConfig> AUTO_BAN = TOP.key("auto-ban", ValueType.table(AutoBanConfig.TABLE, AutoBanConfig::new), AutoBanConfig.DEFAULTS);
    static final Key<List<AddressRange>> TRUSTED_PROXIES = TOP.key("trusted-proxies", ValueType.ADDRESS_RANGES, List.of());
    static final Key<DeliveryConfig> DELIVERY = TOP.key("delivery", ValueType.table(DeliveryConfig.TABLE, DeliveryConfig::new), DeliveryConfig.DEFAULTS);
    static final Key<String> POSTMASTER = TOP.key("postmaster", ValueType.ADDRESS, null);
    static final Key<DkimConfig> DKIM = TOP.key("dkim", ValueType.table(DkimConfig.TABLE, DkimConfig::new), DkimConfig.DEFAULTS);
    static final Key<MailauthConfig> MAILAUTH = TOP.key("mailauth", MailauthConfig.READ, MailauthConfig.DEFAULTS);
    static final Key<LogConfig> LOG = TOP.key("log", ValueType.table(LogConfig.TABLE, LogConfig::new), LogConfig.DEFAULTS);
    static final Key<HttpConfig> HTTP = TOP.key("http", ValueType.table(HttpConfig.TABLE, HttpConfig::new), null);
    static final Key<StorageConfig> STORAGE = TOP.key("storage", StorageConfig.READ, StorageConfig.FILE);

    static final Table LISTENER = new Table("listener");
    static final Key<String> LISTENER_ADDRESS = LISTENER.required("address", ValueType.LISTEN_ADDRESS);
    static final Key<Integer> LISTENER_PORT = LISTENER.required("port", ValueType.LISTEN_PORT);
    static final Key<ListenerKind> LISTENER_KIND = LISTENER.required("kind", (r, t, key) -> {
        String kind = r.string(t, key.name(), "one of \"submission\", \"submissions\", \"inbound\"");
        ListenerKind parsed = Map.of("submission", ListenerKind.SUBMISSION, "submissions", ListenerKind.SUBMISSIONS,
                "inbound", ListenerKind.INBOUND).get(kind);
        if (parsed == null) {
            throw new ConfigException(r.at(t.inputPositionOf(key.name())) + key.path()
                    + ": expected one of \"submission\", \"submissions\", \"inbound\", got \"" + kind + "\"");
        }
        return parsed;
    });
    static final Key<Boolean> LISTENER_PROXY_PROTOCOL = LISTENER.key("proxy-protocol", ValueType.FLAG, false);
    static final Key<List<AddressRange>> LISTENER_TRUSTED_NETWORKS = LISTENER.key("trusted-networks", ValueType.ADDRESS_RANGES, List.of());

    static final Table TLS_TABLE = new Table("tls");
    static final Key<Path> CERTIFICATE = TLS_TABLE.required("certificate", ValueType.path("a PEM file path"));
    static final Key<Path> KEY = TLS_TABLE.required("key", ValueType.path("a PEM file path"));
    static final Key<List<TlsConfig.CertificateFiles>> SNI = TLS_TABLE.key("sni", ConfigLoader::sni, List.of());

    static final Table SNI_TABLE = new Table("tls.sni");
    static final Key<Path> SNI_CERTIFICATE = SNI_TABLE.required("certificate", ValueType.path("a PEM file path"));
    static final Key<Path> SNI_KEY = SNI_TABLE.required("key", ValueType.path("a PEM file path"));

    /** Every table of the file and its declared keys (the README's config block is checked against them). */
    static final List<Table> TABLES = List.of(TOP, LISTENER, TLS_TABLE, SNI_TABLE, Limits.TABLE, LoginThrottleConfig.TABLE,
            SendingLimitsConfig.TABLE, AutoBanConfig.TABLE, DeliveryConfig.TABLE, DeliveryValues.SMART_HOST_TABLE, DkimConfig.TABLE, MailauthConfig.TABLE,
            LogConfig.TABLE, HttpConfig.TABLE, StorageConfig.TABLE);

    private ConfigLoader() {}

    public static MailgateConfig load(Path file) throws ConfigException {
        TomlReader r = new TomlReader(file);
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
        Values v = TOP.read(r, toml);
        return new MailgateConfig(v.get(HOSTNAME), v.get(DATA_DIR), v.get(DOMAINS), v.get(LISTENERS), v.get(TLS), v.get(LIMITS),
                v.get(LOGIN_THROTTLE), v.get(SENDING_LIMITS), v.get(AUTO_BAN), v.get(TRUSTED_PROXIES), v.get(DELIVERY), v.get(POSTMASTER), v.get(DKIM), v.get(MAILAUTH),
                v.get(LOG), v.get(HTTP), v.get(STORAGE));
    }

    private static List<ListenerConfig> listeners(TomlReader r, TomlTable toml, Key<List<ListenerConfig>> key) throws ConfigException {
        if (!toml.isArray(key.name())) {
            throw new ConfigException(r.at(toml.inputPositionOf(key.name())) + "listener: expected [[listener]] tables");
        }
        TomlArray array = toml.getArrayOrEmpty(key.name());
        List<ListenerConfig> listeners = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            if (!(array.get(i) instanceof TomlTable table)) {
                throw new ConfigException(r.at(array.inputPositionOf(i)) + "listener: expected a [[listener]] table");
            }
            Values v = LISTENER.read(r, table);
            listeners.add(new ListenerConfig(v.get(LISTENER_ADDRESS), v.get(LISTENER_PORT), v.get(LISTENER_KIND), v.get(LISTENER_PROXY_PROTOCOL),
                    v.get(LISTENER_TRUSTED_NETWORKS)));
        }
        return List.copyOf(listeners);
    }

    private static TlsConfig tls(TomlReader r, TomlTable toml, Key<TlsConfig> key) throws ConfigException {
        Values v = TLS_TABLE.read(r, r.table(toml, key.name()));
        return new TlsConfig(v.get(CERTIFICATE), v.get(KEY), v.get(SNI));
    }

    private static List<TlsConfig.CertificateFiles> sni(TomlReader r, TomlTable tls, Key<List<TlsConfig.CertificateFiles>> key)
            throws ConfigException {
        TomlArray array = tls.isArray(key.name()) ? tls.getArrayOrEmpty(key.name()) : null;
        List<TlsConfig.CertificateFiles> files = new ArrayList<>();
        for (int i = 0; array != null && i < array.size(); i++) {
            if (!(array.get(i) instanceof TomlTable entry)) {
                array = null;
                break;
            }
            Values v = SNI_TABLE.read(r, entry);
            files.add(new TlsConfig.CertificateFiles(v.get(SNI_CERTIFICATE), v.get(SNI_KEY)));
        }
        if (array == null) {
            throw r.wrong(tls, key.name(), "[[tls.sni]] tables, each with certificate and key", tls.get(key.name()));
        }
        return List.copyOf(files);
    }
}
