package org.mailgate.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailgate.delivery.MailgateUnderTest.ALICE;
import static org.mailgate.delivery.MailgateUnderTest.await;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailgate.config.DeliveryConfig;
import org.mailgate.testing.KnotDns;

/**
 * A destination that always answers 4xx: the sender hears once that the message is delayed
 * (RFC 3464 Action: delayed), and when the message expires, that it failed (4.4.7).
 * Durations are shrunk from hours and days to seconds.
 */
class DelayAndExpiryTest {
    @TempDir Path dir;

    @Test
    @DisplayName("a delayed message warns the sender once, then bounces with 4.4.7 when it expires")
    void warnsThenExpires() throws Exception {
        try (ScriptedReceiver busy = new ScriptedReceiver(InetAddress.getByName("127.0.0.2"), 0, null, List.of(),
                r -> "451 4.3.2 system busy, try later", n -> new ScriptedReceiver.DataAnswer.ReplyWith("250 ok"));
             KnotDns dns = KnotDns.start(dir.resolve("dns"), "busy MX 10 mail.busy\nmail.busy A 127.0.0.2\n")) {
            DeliveryConfig base = MailgateUnderTest.testDelivery(dns, busy.port());
            DeliveryConfig shrunk = base.with(DeliveryConfig.RETRY_FIRST, Duration.ofMillis(500)).with(DeliveryConfig.RETRY_MAX, Duration.ofMillis(500))
                    .with(DeliveryConfig.EXPIRE, Duration.ofSeconds(5)).with(DeliveryConfig.DELAY_WARNING, Duration.ofSeconds(1))
                    .with(DeliveryConfig.ALLOW_PRIVATE_LITERALS, false);
            try (MailgateUnderTest mailgate = MailgateUnderTest.start(dir.resolve("data"), shrunk)) {
                mailgate.submit(List.of("zoe@busy.test"), "slow going");
                await("the delay notice", Duration.ofSeconds(20), () -> count(mailgate) >= 1);
                MimeMessage delayed = message(mailgate, 0);
                assertThat(delayed.getSubject()).isEqualTo("Delayed Mail (still being retried)");
                String status = DeliveryTest.text(((MimeMultipart) delayed.getContent()).getBodyPart(1));
                assertThat(status).contains("Action: delayed").contains("Status: 4.3.2").contains("Will-Retry-Until:");

                await("the expiry bounce", Duration.ofSeconds(20), () -> count(mailgate) >= 2);
                MimeMessage failed = message(mailgate, 1);
                assertThat(failed.getSubject()).isEqualTo("Undelivered Mail Returned to Sender");
                assertThat(DeliveryTest.text(((MimeMultipart) failed.getContent()).getBodyPart(1)))
                        .contains("Action: failed").contains("Status: 4.4.7").contains("message expired")
                        .contains("last reply: 451 4.3.2 system busy");
                Thread.sleep(1500);
                assertThat(count(mailgate)).as("one warning, one bounce, nothing more").isEqualTo(2);
                assertThat(mailgate.queue()).isEmpty();
            }
        }
    }

    private static int count(MailgateUnderTest mailgate) {
        try {
            return mailgate.mailbox(ALICE).size();
        } catch (IOException e) {
            return -1;
        }
    }

    private static MimeMessage message(MailgateUnderTest mailgate, int index) throws Exception {
        try (InputStream in = Files.newInputStream(mailgate.mailbox(ALICE).get(index))) {
            return new MimeMessage(Session.getInstance(new Properties()), in);
        }
    }
}
