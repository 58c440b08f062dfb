package org.mailgate.config;

/**
 * What one authenticated user may send, the config file's [sending-limits] table: a compromised
 * account sends no more than this before the admin notices (451 4.7.1 past it).
 *
 * @param messagesPerHour messages-per-hour
 * @param messagesPerDay messages-per-day
 * @param recipientsPerHour recipients-per-hour
 * @param recipientsPerDay recipients-per-day
 */
public record SendingLimitsConfig(int messagesPerHour, int messagesPerDay, int recipientsPerHour, int recipientsPerDay) {

    public static final SendingLimitsConfig DEFAULTS = new SendingLimitsConfig(200, 1000, 500, 2000);
}
