package org.mailgate.config;

import java.time.Duration;

/**
 * Automatic bans, the config file's [auto-ban] table: a client (IPv4 address, IPv6 /64) that
 * does any of these within the window is refused at connect for the ban's duration.
 *
 * @param window window: how far back events count
 * @param failedLogins failed-logins: failed or refused AUTH attempts
 * @param relayAttempts relay-attempts: recipients refused as relaying
 * @param unknownRecipients unknown-recipients: recipients refused as unknown (probing for users)
 * @param duration duration: how long a ban lasts; "0s" turns automatic bans off
 */
public record AutoBanConfig(Duration window, int failedLogins, int relayAttempts, int unknownRecipients, Duration duration) {

    public static final AutoBanConfig DEFAULTS = new AutoBanConfig(Duration.ofMinutes(15), 30, 10, 20, Duration.ofHours(1));

    public boolean enabled() {
        return !duration.isZero();
    }
}
