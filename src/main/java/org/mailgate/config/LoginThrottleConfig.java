package org.mailgate.config;

import java.time.Duration;

/**
 * Failed-login throttling, the config file's [login-throttle] table. Failures are counted per
 * client (IPv4 address, IPv6 /64) and per account, as distinct wrong passwords in a sliding window.
 *
 * @param window window: how far back failures count
 * @param delayAfter delay-after: distinct failures before each further one waits longer (doubling)
 * @param maxDelay max-delay: the longest wait before a failed AUTH reply
 * @param lockoutAfter lockout-after: distinct failures before the client, or the account, is refused
 * @param lockout lockout: how long a client or an account is refused (454 4.7.0)
 * @param knownGood known-good: how long an address that logged in to an account may still log in
 *     to it while the account is locked
 */
public record LoginThrottleConfig(
        Duration window,
        int delayAfter,
        Duration maxDelay,
        int lockoutAfter,
        Duration lockout,
        Duration knownGood) {

    public static final LoginThrottleConfig DEFAULTS = new LoginThrottleConfig(
            Duration.ofMinutes(15), 3, Duration.ofSeconds(15), 10, Duration.ofMinutes(15), Duration.ofDays(30));
}
