package org.mailgate.config;

import java.time.Duration;

/**
 * Automatic bans, the config file's [auto-ban] table: a client (IPv4 address, IPv6 /64) that
 * does any of these within the window is refused at connect for the ban's duration.
 */
public final class AutoBanConfig extends Settings<AutoBanConfig> {
    static final Table TABLE = new Table("auto-ban");

    /** How far back events count. */
    public static final Key<Duration> WINDOW = TABLE.key("window", ValueType.DURATION, Duration.ofMinutes(15));
    /** Failed or refused AUTH attempts. */
    public static final Key<Integer> FAILED_LOGINS = TABLE.key("failed-logins", ValueType.POSITIVE, 30);
    /** Recipients refused as relaying. */
    public static final Key<Integer> RELAY_ATTEMPTS = TABLE.key("relay-attempts", ValueType.POSITIVE, 10);
    /** Recipients refused as unknown (probing for users). */
    public static final Key<Integer> UNKNOWN_RECIPIENTS = TABLE.key("unknown-recipients", ValueType.POSITIVE, 20);
    /** How long a ban lasts; "0s" turns automatic bans off. */
    public static final Key<Duration> DURATION = TABLE.key("duration", ValueType.DURATION, Duration.ofHours(1));

    public static final AutoBanConfig DEFAULTS = new AutoBanConfig(TABLE.defaults());

    AutoBanConfig(Values values) {
        super(values);
    }

    @Override
    AutoBanConfig copy(Values changed) {
        return new AutoBanConfig(changed);
    }

    public Duration window() {
        return get(WINDOW);
    }

    public int failedLogins() {
        return get(FAILED_LOGINS);
    }

    public int relayAttempts() {
        return get(RELAY_ATTEMPTS);
    }

    public int unknownRecipients() {
        return get(UNKNOWN_RECIPIENTS);
    }

    public Duration duration() {
        return get(DURATION);
    }

    public boolean enabled() {
        return !duration().isZero();
    }
}
