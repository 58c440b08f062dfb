package org.mailgate.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.mailgate.mail.BodyType;
import org.mailgate.mail.DsnReturn;
import org.mailgate.mail.Mailbox;
import org.mailgate.mail.Notify;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file spool: the contract every spool keeps, and what only files have (modes, leftovers, a file that is not ours). */
class FileSpoolTest extends SpoolContract {
    @TempDir
    Path dataDir;
    private final QueueIds ids = new QueueIds();

    @Override
    protected Spool open() throws Exception {
        return FileSpool.open(dataDir);
    }

    @Override
    protected Path receiving() {
        return dataDir.resolve("spool/incoming");
    }

    @Test
    @DisplayName("mail is private: queue files and journals 0600, the spool's folders 0700, whatever the umask")
    void queueFilesAreReadableByTheServerOnly() throws Exception {
        SpoolEnvelope envelope = envelope();
        try (FileSpool spool = FileSpool.open(dataDir)) {
            IncomingMessage m = spool.begin(envelope);
            m.append(bytes("Subject: private\r\n\r\nbody\r\n"));
            spool.commit(m).join();
            spool.record(envelope.id(), List.of(new QueueEvent.Held(Instant.now())));
        }
        assertThat(permissions(dataDir.resolve("spool/queue").resolve(envelope.id()))).isEqualTo("rw-------");
        assertThat(permissions(dataDir.resolve("spool/journal").resolve(envelope.id()))).isEqualTo("rw-------");
        for (String dir : List.of("spool", "spool/queue", "spool/journal", "spool/incoming")) {
            assertThat(permissions(dataDir.resolve(dir))).as(dir).isEqualTo("rwx------");
        }
    }

    @Test
    @DisplayName("a spool folder left world-readable by an older version is narrowed to 0700 at start")
    void olderWideFoldersAreNarrowed() throws Exception {
        Files.createDirectories(dataDir.resolve("spool/queue"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        FileSpool.open(dataDir).close();
        assertThat(permissions(dataDir.resolve("spool/queue"))).isEqualTo("rwx------");
    }

    static String permissions(Path path) throws java.io.IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    @Test
    @DisplayName("a queue file that cannot be decoded never stops the listing: the server sets it aside, the CLI skips it")
    void undecodableFileIsSetAside() throws Exception {
        SpoolEnvelope good = envelope();
        try (FileSpool spool = FileSpool.open(dataDir)) {
            IncomingMessage m = spool.begin(good);
            m.append(bytes("Subject: fine\r\n\r\nbody\r\n"));
            spool.commit(m).join();
        }
        String broken = ids.next(System.currentTimeMillis());
        Files.writeString(dataDir.resolve("spool/queue").resolve(broken), "not a queue file\n");
        Files.writeString(dataDir.resolve("spool/journal").resolve(broken), "hold\t2026-01-01T00:00:00Z\n");
        try (FileSpool readOnly = FileSpool.openReadOnly(dataDir)) {
            assertThat(readOnly.list()).extracting(QueuedMessage::id).containsExactly(good.id());
            assertThat(Files.exists(dataDir.resolve("spool/queue").resolve(broken))).as("the CLI moves nothing").isTrue();
        }
        try (FileSpool spool = FileSpool.open(dataDir)) {
            assertThat(spool.list()).extracting(QueuedMessage::id).containsExactly(good.id());
            assertThat(spool.setAside()).containsExactly(broken);
            assertThat(dataDir.resolve("spool/corrupt").resolve(broken + ".journal")).exists();
            assertThat(Files.readString(dataDir.resolve("spool/corrupt").resolve(broken + ".reason"))).contains("not a Mailgate queue file");
            assertThat(spool.find(broken)).isEmpty();
        }
    }

    @Test
    @DisplayName("commits at the same moment share fsyncs")
    void concurrentCommitsShareFsyncs() throws Exception {
        try (FileSpool spool = FileSpool.open(dataDir)) {
            List<CompletableFuture<Void>> commits = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                IncomingMessage m = spool.begin(envelope());
                m.append(bytes("Subject: " + i + "\r\n\r\nbody\r\n"));
                commits.add(spool.commit(m));
            }
            CompletableFuture.allOf(commits.toArray(CompletableFuture[]::new)).join();
            assertThat(spool.list()).hasSize(200);
            assertThat(spool.directorySyncs()).isLessThan(200);
        }
    }

    @Test
    void incompleteMessagesFromACrashAreRemovedAtStart() throws Exception {
        Files.createDirectories(dataDir.resolve("spool/incoming"));
        Files.writeString(dataDir.resolve("spool/incoming/LEFTOVER"), "half a message");
        try (FileSpool spool = FileSpool.open(dataDir)) {
            assertThat(dataDir.resolve("spool/incoming/LEFTOVER")).doesNotExist();
        }
    }
}
