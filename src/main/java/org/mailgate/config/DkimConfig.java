package org.mailgate.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.tomlj.TomlArray;

/**
 * How submitted mail is signed, the config file's [dkim] table. The keys themselves live in the
 * data directory and are managed with `mailgate dkim`.
 */
public final class DkimConfig extends Settings<DkimConfig> {
    static final Table TABLE = new Table("dkim");

    private static final ValueType<List<String>> FIELD_NAMES = (r, t, key) -> {
        TomlArray array = r.array(t, key.name(), "an array of header field names such as \"From\"");
        List<String> names = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            // RFC 5322 3.6.8: field-name = 1*ftext, printable ASCII but ":"
            if (!(array.get(i) instanceof String name) || !name.matches("[!-9;-~]+")) {
                throw new ConfigException(r.at(array.inputPositionOf(i)) + key.path() + ": expected a header field name such as \"From\", got "
                        + TomlReader.show(array.get(i)));
            }
            names.add(name);
        }
        return List.copyOf(names);
    };

    /** false: nothing is signed, whatever keys are active. */
    public static final Key<Boolean> SIGN = TABLE.key("sign", ValueType.FLAG, true);
    /** The x= tag: how long after signing a signature holds; absent for no x= (RFC 6376 3.5). */
    public static final Key<Duration> EXPIRE_AFTER = TABLE.key("expire-after", ValueType.DURATION, null);
    /** Signed once more than the message has them (oversigned), so none can be added. */
    public static final Key<List<String>> HEADERS = TABLE.key("headers", FIELD_NAMES, List.of("From", "To", "Cc", "Subject", "Date",
            "Message-ID", "Reply-To", "In-Reply-To", "References", "MIME-Version", "Content-Type", "Content-Transfer-Encoding", "Sender"));
    /** Signed as often as the message has them (and every Resent-* field too). */
    public static final Key<List<String>> HEADERS_ONCE = TABLE.key("headers-once", FIELD_NAMES, List.of("List-Id", "List-Unsubscribe",
            "List-Unsubscribe-Post", "List-Post", "List-Help", "List-Owner", "List-Archive"));

    public static final DkimConfig DEFAULTS = new DkimConfig(TABLE.defaults());

    DkimConfig(Values values) {
        super(values);
    }

    @Override
    DkimConfig copy(Values changed) {
        return new DkimConfig(changed);
    }

    public boolean sign() {
        return get(SIGN);
    }

    public Optional<Duration> expireAfter() {
        return Optional.ofNullable(get(EXPIRE_AFTER));
    }

    public List<String> headers() {
        return get(HEADERS);
    }

    public List<String> headersOnce() {
        return get(HEADERS_ONCE);
    }
}
