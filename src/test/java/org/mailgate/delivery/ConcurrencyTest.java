package org.mailgate.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailgate.delivery.MailgateUnderTest.await;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailgate.config.DeliveryConfig;
import org.mailgate.testing.KnotDns;

/** Deliveries to one destination are capped (per-destination), however many messages wait. */
class ConcurrencyTest {
    @TempDir Path dir;

    @Test
    @DisplayName("twelve messages to a slow server: never more than per-destination (3) connections at once, all delivered")
    void perDestinationLimitHolds() throws Exception {
        try (ScriptedReceiver slow = ScriptedReceiver.accepting(InetAddress.getByName("127.0.0.2"), 0, null);
             KnotDns dns = KnotDns.start(dir.resolve("dns"), "slow MX 10 mail.slow\nmail.slow A 127.0.0.2\n")) {
            slow.dataDelayMillis = 300;
            DeliveryConfig base = MailgateUnderTest.testDelivery(dns, slow.port());
            DeliveryConfig three = base.with(DeliveryConfig.PER_DESTINATION, 3).with(DeliveryConfig.ALLOW_PRIVATE_LITERALS, false);
            try (MailgateUnderTest mailgate = MailgateUnderTest.start(dir.resolve("data"), three)) {
                for (int i = 0; i < 12; i++) {
                    mailgate.submit(List.of("user" + i + "@slow.test"), "message " + i);
                }
                await("all twelve", Duration.ofSeconds(30), () -> slow.accepted.size() == 12);
                assertThat(slow.mostOpenAtOnce.get()).isBetween(2, 3);
            }
        }
    }
}
