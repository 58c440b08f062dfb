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

class FileSpoolTest {
    @TempDir
    Path dataDir;
    private final QueueIds ids = new QueueIds();

    private SpoolEnvelope envelope() {
        return TestEnvelopes.envelope(ids.next(System.currentTimeMillis()), Instant.now()).submittedBy("alice@example.com")
                .body(BodyType.EIGHT_BIT_MIME).dsn(DsnReturn.HEADERS, "env+2B1")
                .to(new SpoolEnvelope.Recipient(Mailbox.stored("bob@example.org"), Set.of(Notify.FAILURE, Notify.DELAY),
                        Optional.of("rfc822;bob@example.org")))
                .build();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void envelopeAndContentSurviveTheRoundTrip() throws Exception {
        SpoolEnvelope envelope = envelope();
        try (FileSpool spool = FileSpool.open(dataDir)) {
            IncomingMessage m = spool.begin(envelope);
            m.append(bytes("Received: x\r\nSubject: hi\r\n\r\nbody\r\n"));
            spool.commit(m).join();
            assertThat(spool.find(envelope.id())).get().satisfies(q -> {
                assertThat(q.envelope()).isEqualTo(envelope);
                assertThat(q.size()).isEqualTo("Received: x\r\nSubject: hi\r\n\r\nbody\r\n".length());
            });
            assertThat(new String(spool.content(envelope.id()).readAllBytes(), StandardCharsets.UTF_8))
                    .isEqualTo("Received: x\r\nSubject: hi\r\n\r\nbody\r\n");
            assertThat(spool.delete(envelope.id())).isTrue();
            assertThat(spool.list()).isEmpty();
        }
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
    @DisplayName("an envelope of any size reads back: 400 recipients of ~270 octets make a 110 KB envelope block")
    void largeEnvelopeReadsBack() throws Exception {
        List<SpoolEnvelope.Recipient> recipients = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            recipients.add(new SpoolEnvelope.Recipient(Mailbox.stored(("r" + i + "-").repeat(60) + "@example.org"), Set.of(Notify.FAILURE),
                    Optional.empty()));
        }
        TestEnvelopes builder = TestEnvelopes.envelope(ids.next(System.currentTimeMillis()), Instant.now()).submittedBy("alice@example.com");
        recipients.forEach(builder::to);
        SpoolEnvelope big = builder.build();
        try (FileSpool spool = FileSpool.open(dataDir)) {
            IncomingMessage m = spool.begin(big);
            m.append(bytes("Subject: many\r\n\r\nbody\r\n"));
            spool.commit(m).join();
            assertThat(spool.list()).singleElement().satisfies(q -> assertThat(q.envelope()).isEqualTo(big));
            assertThat(new String(spool.content(big.id()).readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("Subject: many\r\n\r\nbody\r\n");
        }
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
    void largeMessagesSpillToDisk() throws Exception {
        SpoolEnvelope envelope = envelope();
        try (FileSpool spool = FileSpool.open(dataDir)) {
            IncomingMessage m = spool.begin(envelope);
            m.append(bytes("From: a@example.com\r\n\r\n"));
            String line = "z".repeat(998) + "\r\n";
            for (int i = 0; i < 1000; i++) {
                m.append(bytes(line));
            }
            assertThat(Files.exists(dataDir.resolve("spool/incoming").resolve(envelope.id()))).isTrue();
            spool.commit(m).join();
            String content = new String(spool.content(envelope.id()).readAllBytes(), StandardCharsets.UTF_8);
            assertThat(content).startsWith("From: a@example.com\r\n\r\nzzz").hasSize("From: a@example.com\r\n\r\n".length() + 1000 * line.length());
        }
    }

    @Test
    @DisplayName("the room a signer kept at the start is written over, in memory or in the spilled file, and reads back")
    void rewriteFillsTheRoomKeptAtTheStart() throws Exception {
        for (int lines : new int[] {1, 1000}) {
            SpoolEnvelope envelope = envelope();
            try (FileSpool spool = FileSpool.open(dataDir)) {
                IncomingMessage m = spool.begin(envelope);
                m.append(bytes("          From: a@example.com\r\n\r\n"));
                String line = "z".repeat(998) + "\r\n";
                for (int i = 0; i < lines; i++) {
                    m.append(bytes(line));
                }
                m.rewrite(0, bytes("X-Sig: 1\r\n"));
                spool.commit(m).join();
                String content = new String(spool.content(envelope.id()).readAllBytes(), StandardCharsets.UTF_8);
                assertThat(content).startsWith("X-Sig: 1\r\nFrom: a@example.com\r\n\r\nzzz")
                        .hasSize("          From: a@example.com\r\n\r\n".length() + lines * line.length());
            }
        }
    }

    @Test
    @DisplayName("fields prepended at the end go in front of all content, in memory or in the spilled file, and the size counts them")
    void prependPutsFieldsInFrontOfAllContent() throws Exception {
        for (int lines : new int[] {1, 1000}) {
            SpoolEnvelope envelope = envelope();
            try (FileSpool spool = FileSpool.open(dataDir)) {
                IncomingMessage m = spool.begin(envelope);
                m.append(bytes("From: a@example.com\r\n\r\n"));
                String line = "z".repeat(998) + "\r\n";
                for (int i = 0; i < lines; i++) {
                    m.append(bytes(line));
                }
                m.prepend(bytes("Authentication-Results: mx.test; none\r\n"), Optional.of("Junk"));
                m.append(bytes("end\r\n"));
                spool.commit(m).join();
                String content = new String(spool.content(envelope.id()).readAllBytes(), StandardCharsets.UTF_8);
                String expected = "Authentication-Results: mx.test; none\r\nFrom: a@example.com\r\n\r\n" + line.repeat(lines) + "end\r\n";
                assertThat(content).isEqualTo(expected);
                assertThat(m.contentSize()).isEqualTo(expected.length());
                assertThat(spool.find(envelope.id()).orElseThrow().envelope()).isEqualTo(envelope.withFolder(Optional.of("Junk")));
            }
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
