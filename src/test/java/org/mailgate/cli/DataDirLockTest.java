package org.mailgate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirLockTest {
    @TempDir
    Path dir;

    private static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    @Test
    @DisplayName("a new data directory is private (0700); an existing one keeps the mode its admin gave it (Dovecot may pass through)")
    void dataDirectoryMode() throws Exception {
        Path fresh = dir.resolve("fresh");
        try (DataDirLock lock = DataDirLock.acquire(fresh)) {
            assertThat(mode(fresh)).isEqualTo("rwx------");
        }
        Path shared = Files.createDirectory(dir.resolve("shared"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx--x--x")));
        try (DataDirLock lock = DataDirLock.acquire(shared)) {
            assertThat(mode(shared)).isEqualTo("rwx--x--x");
        }
    }

    @Test
    void aSecondLockOnTheSameDirectoryNamesTheHolder() throws Exception {
        try (DataDirLock lock = DataDirLock.acquire(dir)) {
            assertThat(Files.readString(dir.resolve("serve.lock")).strip()).isEqualTo(Long.toString(ProcessHandle.current().pid()));
            assertThatThrownBy(() -> DataDirLock.acquire(dir)).isInstanceOf(CommandFailure.class)
                    .hasMessageContaining("another Mailgate is already running on " + dir + " (pid " + ProcessHandle.current().pid() + ")");
        }
        DataDirLock.acquire(dir).close(); // released with the first
    }
}
