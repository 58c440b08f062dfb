package org.mailgate.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailgate.delivery.MailgateUnderTest.ALICE;
import static org.mailgate.delivery.MailgateUnderTest.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailgate.spool.QueueIds;
import org.mailgate.spool.TestEnvelopes;

/** A message that fails for a reason of ours, not the peer's, is not retried forever. */
class LocalFailureTest {
    @TempDir
    Path dir;

    @Test
    @DisplayName("a message whose journal cannot be read is tried five times, then set aside with its reason; the queue goes on")
    void repeatedLocalFailureSetsTheMessageAside() throws Exception {
        try (MailgateUnderTest mailgate = MailgateUnderTest.start(dir, MailgateUnderTest.literalDelivery(1))) {
            Instant now = Instant.now();
            String id = new QueueIds().next(now.toEpochMilli());
            Files.createDirectories(dir.resolve("spool/journal").resolve(id)); // a journal no one can read: a directory
            mailgate.server.spool().enqueue(TestEnvelopes.envelope(id, now).submittedBy(ALICE).to("carol@[192.0.2.1]").build(),
                    "Subject: stuck\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII));
            await("the message to be set aside", Duration.ofSeconds(30), () -> Files.exists(dir.resolve("spool/corrupt").resolve(id)));
            assertThat(mailgate.queue()).isEmpty();
            assertThat(Files.readString(dir.resolve("spool/corrupt").resolve(id + ".reason"))).contains("delivery failed 5 times");
            assertThat(mailgate.server.spool().setAside()).containsExactly(id);
        }
    }
}
