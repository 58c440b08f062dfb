package org.mailgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.mailgate.config.SendingLimitsConfig;
import org.mailgate.mail.Refusal;
import org.mailgate.testing.ManualClock;

class SendingLimitsTest {
    private final ManualClock clock = new ManualClock();

    @Test
    void aReloadKeepsWhatWasSentAndAppliesTheNewLimitToIt() {
        SendingLimits limits = new SendingLimits(SendingLimitsConfig.DEFAULTS, clock);
        for (int i = 0; i < 3; i++) {
            limits.record("alice@example.com", 1);
        }
        assertThat(limits.checkMessage("alice@example.com")).isEmpty();
        limits.reconfigure(SendingLimitsConfig.DEFAULTS.with(SendingLimitsConfig.MESSAGES_PER_HOUR, 3));
        assertThat(limits.checkMessage("alice@example.com")).as("three sent before the reload count").contains(Refusal.MESSAGE_RATE_EXCEEDED);
        clock.advance(Duration.ofMinutes(61));
        assertThat(limits.checkMessage("alice@example.com")).isEmpty();
    }
}
