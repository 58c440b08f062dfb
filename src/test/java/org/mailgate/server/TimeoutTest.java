package org.mailgate.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.mailgate.config.Limits;
import org.mailgate.config.ListenerKind;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TimeoutTest {
    @TempDir
    Path dataDir;

    @Test
    @DisplayName("RFC 5321 4.5.3.2.7: an idle client is closed with 421 4.4.2")
    void idleClientIsClosed() throws Exception {
        Limits limits = new Limits(1024 * 1024, 100, 64 * 1024, Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ZERO);
        try (TestServer server = new TestServer(dataDir, limits);
                SmtpClient c = new SmtpClient(server.port(ListenerKind.INBOUND), server.certificate())) {
            c.reply();
            c.command("EHLO idle.test");
            assertThat(c.reply()).isEqualTo("421 4.4.2 Timeout exceeded, closing transmission channel");
            assertThat(c.closedByServer()).isTrue();
        }
    }
}
