package org.mailgate.config;

/**
 * What one authenticated user may send, the config file's [sending-limits] table: a compromised
 * account sends no more than this before the admin notices (451 4.7.1 past it).
 */
public final class SendingLimitsConfig extends Settings<SendingLimitsConfig> {
    static final Table TABLE = new Table("sending-limits");

    public static final Key<Integer> MESSAGES_PER_HOUR = TABLE.key("messages-per-hour", ValueType.POSITIVE, 200);
    public static final Key<Integer> MESSAGES_PER_DAY = TABLE.key("messages-per-day", ValueType.POSITIVE, 1000);
    public static final Key<Integer> RECIPIENTS_PER_HOUR = TABLE.key("recipients-per-hour", ValueType.POSITIVE, 500);
    public static final Key<Integer> RECIPIENTS_PER_DAY = TABLE.key("recipients-per-day", ValueType.POSITIVE, 2000);

    public static final SendingLimitsConfig DEFAULTS = new SendingLimitsConfig(TABLE.defaults());

    SendingLimitsConfig(Values values) {
        super(values);
    }

    @Override
    SendingLimitsConfig copy(Values changed) {
        return new SendingLimitsConfig(changed);
    }

    public int messagesPerHour() {
        return get(MESSAGES_PER_HOUR);
    }

    public int messagesPerDay() {
        return get(MESSAGES_PER_DAY);
    }

    public int recipientsPerHour() {
        return get(RECIPIENTS_PER_HOUR);
    }

    public int recipientsPerDay() {
        return get(RECIPIENTS_PER_DAY);
    }
}
