package org.mailgate.config;

import java.time.Duration;

/**
 * Failed-login throttling, the config file's [login-throttle] table. Failures are counted per
 * client (IPv4 address, IPv6 /64) and per account, as distinct wrong passwords in a sliding window.
 */
public final class LoginThrottleConfig extends Settings<LoginThrottleConfig> {
    static final Table TABLE = new Table("login-throttle");

    /** How far back failures count. */
    public static final Key<Duration> WINDOW = TABLE.key("window", ValueType.DURATION, Duration.ofMinutes(15));
    /** Distinct failures before each further one waits longer (doubling). */
    public static final Key<Integer> DELAY_AFTER = TABLE.key("delay-after", ValueType.POSITIVE, 3);
    /** The longest wait before a failed AUTH reply. */
    public static final Key<Duration> MAX_DELAY = TABLE.key("max-delay", ValueType.DURATION, Duration.ofSeconds(15));
    /** Distinct failures before the client, or the account, is refused. */
    public static final Key<Integer> LOCKOUT_AFTER = TABLE.key("lockout-after", ValueType.POSITIVE, 10);
    /** How long a client or an account is refused (454 4.7.0). */
    public static final Key<Duration> LOCKOUT = TABLE.key("lockout", ValueType.DURATION, Duration.ofMinutes(15));
    /** How long an address that logged in to an account may still log in to it while the account is locked. */
    public static final Key<Duration> KNOWN_GOOD = TABLE.key("known-good", ValueType.DURATION, Duration.ofDays(30));

    public static final LoginThrottleConfig DEFAULTS = new LoginThrottleConfig(TABLE.defaults());

    LoginThrottleConfig(Values values) {
        super(values);
    }

    @Override
    LoginThrottleConfig copy(Values changed) {
        return new LoginThrottleConfig(changed);
    }

    public Duration window() {
        return get(WINDOW);
    }

    public int delayAfter() {
        return get(DELAY_AFTER);
    }

    public Duration maxDelay() {
        return get(MAX_DELAY);
    }

    public int lockoutAfter() {
        return get(LOCKOUT_AFTER);
    }

    public Duration lockout() {
        return get(LOCKOUT);
    }

    public Duration knownGood() {
        return get(KNOWN_GOOD);
    }
}
