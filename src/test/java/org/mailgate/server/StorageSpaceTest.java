package org.mailgate.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailgate.config.Limits;
import org.mailgate.config.ListenerKind;

/** A spool that is (nearly) full defers mail at MAIL with 452 4.3.1 (RFC 1870 6.1), before anything is written. */
class StorageSpaceTest {
    @TempDir Path dataDir;

    private static SmtpClient inbound(TestServer server) throws Exception {
        SmtpClient c = new SmtpClient(server.port(ListenerKind.INBOUND), server.certificate());
        c.reply();
        c.command("EHLO client.test");
        return c;
    }

    @Test
    void mailIsDeferredWhenLessThanMinFreeSpaceIsLeft() throws Exception {
        try (TestServer server = new TestServer(dataDir, Limits.DEFAULTS.with(Limits.MIN_FREE_SPACE, Long.MAX_VALUE / 4));
                SmtpClient c = inbound(server)) {
            assertThat(c.command("MAIL FROM:<a@remote.example>")).isEqualTo("452 4.3.1 Insufficient system storage: try again later");
        }
    }

    @Test
    void aDeclaredSizeThatDoesNotFitIsDeferredOneThatFitsIsTaken() throws Exception {
        long free = Files.getFileStore(dataDir).getUsableSpace();
        Limits limits = Limits.DEFAULTS.with(Limits.MAX_MESSAGE_SIZE, Long.MAX_VALUE / 4).with(Limits.MIN_FREE_SPACE, 0L);
        try (TestServer server = new TestServer(dataDir, limits); SmtpClient c = inbound(server)) {
            assertThat(c.command("MAIL FROM:<a@remote.example> SIZE=" + 2 * free)).startsWith("452 4.3.1");
            assertThat(c.command("MAIL FROM:<a@remote.example> SIZE=1000")).isEqualTo("250 2.1.0 Ok");
        }
    }
}
