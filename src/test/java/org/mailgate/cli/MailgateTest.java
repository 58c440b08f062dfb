package org.mailgate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailgate.config.DeliveryConfig;
import org.mailgate.config.Limits;
import org.mailgate.config.ListenerConfig;
import org.mailgate.config.ListenerKind;
import org.mailgate.config.MailgateConfig;

/** The one assembly place: what it starts, and that a start that fails leaves nothing running. */
class MailgateTest {
    @TempDir Path dir;

    @Test
    @DisplayName("a listener port already taken: the start fails naming the address, and the spool it opened is closed again")
    void failedStartClosesTheSpool() throws Exception {
        long before = spoolThreads(); // other test classes may share this JVM and a running server
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            MailgateConfig config = config(taken.getLocalPort());
            assertThatThrownBy(() -> Mailgate.start(config, Clock.systemUTC())).isInstanceOf(IOException.class)
                    .hasMessageStartingWith("cannot listen on 127.0.0.1:" + taken.getLocalPort());
        }
        assertThat(spoolThreads()).as("the spool's commit thread (not a daemon) is gone").isEqualTo(before);
        try (Mailgate again = Mailgate.start(config(0), Clock.systemUTC())) {
            assertThat(again.delivery()).as("delivery off in this config").isEmpty();
            assertThat(again.server().bound()).hasSize(1);
        }
        assertThat(spoolThreads()).isEqualTo(before);
    }

    private MailgateConfig config(int port) {
        MailgateConfig config = new MailgateConfig("mx.test", dir.resolve("data"), Set.of(),
                List.of(new ListenerConfig("127.0.0.1", port, ListenerKind.INBOUND)), null, Limits.DEFAULTS);
        return config.withDelivery(config.delivery().with(DeliveryConfig.ENABLED, false));
    }

    /** Spool commit threads alive, once a closed spool's thread has had a moment to end. */
    private static long spoolThreads() throws InterruptedException {
        Thread.sleep(200);
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("spool-commit")).count();
    }
}
