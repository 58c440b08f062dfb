package org.mailgate.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mailgate.config.Limits;
import org.mailgate.config.MailgateConfig;
import org.mailgate.config.StorageConfig;

class ConfigReloadTest {
    private final MailgateConfig running = new MailgateConfig("mx.test", Path.of("data"), Set.of("example.com"), List.of(), null, Limits.DEFAULTS);

    @Test
    @DisplayName("data-dir and [storage] are not applied by a reload: they are reported as kept until restart, not as applied")
    void storageAndDataDirWaitForARestart() {
        MailgateConfig next = running.withDataDir(Path.of("elsewhere"))
                .withStorage(new StorageConfig(StorageConfig.Kind.POSTGRES, "jdbc:postgresql://db/mailgate", "mailgate", "x", "mx1", 4, null));
        assertThat(ConfigReload.keptUntilRestart(running, next)).containsExactly("data-dir", "[storage]");
        assertThat(ConfigReload.changed(running, next)).isEmpty();
        assertThat(ConfigReload.keptUntilRestart(running, running)).isEmpty();
    }
}
