package org.mailgate.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mailgate.mail.BodyType;
import org.mailgate.mail.DsnReturn;
import org.mailgate.mail.Mailbox;
import org.mailgate.mail.Notify;
import org.mailgate.mail.Reply;

/**
 * What every {@link Spool} does, whatever holds it: the file spool and the PostgreSQL spool run
 * these same tests, each through its subclass.
 */
public abstract class SpoolContract {
    private final QueueIds ids = new QueueIds();

    /** A spool over this test's store, opened again (the same store) on each call. */
    protected abstract Spool open() throws Exception;

    /** Where a message being received spills when large. */
    protected abstract Path receiving();

    protected SpoolEnvelope envelope() {
        return TestEnvelopes.envelope(ids.next(System.currentTimeMillis()), Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .submittedBy("alice@example.com").body(BodyType.EIGHT_BIT_MIME).dsn(DsnReturn.HEADERS, "env+2B1")
                .to(new SpoolEnvelope.Recipient(Mailbox.stored("bob@example.org"), Set.of(Notify.FAILURE, Notify.DELAY),
                        Optional.of("rfc822;bob@example.org")))
                .build();
    }

    protected static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    protected static String content(Spool spool, String id) throws IOException {
        return new String(spool.content(id).readAllBytes(), StandardCharsets.UTF_8);
    }

    protected static void queue(Spool spool, SpoolEnvelope envelope, String content) {
        IncomingMessage m = spool.begin(envelope);
        try {
            m.append(bytes(content));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        spool.commit(m).join();
    }

    @Test
    void envelopeAndContentSurviveTheRoundTrip() throws Exception {
        SpoolEnvelope envelope = envelope();
        try (Spool spool = open()) {
            queue(spool, envelope, "Received: x\r\nSubject: hi\r\n\r\nbody\r\n");
        }
        try (Spool spool = open()) {
            assertThat(spool.find(envelope.id())).get().satisfies(q -> {
                assertThat(q.envelope()).isEqualTo(envelope);
                assertThat(q.size()).isEqualTo("Received: x\r\nSubject: hi\r\n\r\nbody\r\n".length());
            });
            assertThat(content(spool, envelope.id())).isEqualTo("Received: x\r\nSubject: hi\r\n\r\nbody\r\n");
            assertThat(spool.delete(envelope.id())).isTrue();
            assertThat(spool.delete(envelope.id())).isFalse();
            assertThat(spool.list()).isEmpty();
            assertThat(spool.find(envelope.id())).isEmpty();
        }
    }

    @Test
    @DisplayName("an envelope of any size reads back: 400 recipients of ~270 octets make a 110 KB envelope block")
    void largeEnvelopeReadsBack() throws Exception {
        TestEnvelopes builder = TestEnvelopes.envelope(ids.next(System.currentTimeMillis()), Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .submittedBy("alice@example.com");
        for (int i = 0; i < 400; i++) {
            builder.to(new SpoolEnvelope.Recipient(Mailbox.stored(("r" + i + "-").repeat(60) + "@example.org"), Set.of(Notify.FAILURE), Optional.empty()));
        }
        SpoolEnvelope big = builder.build();
        try (Spool spool = open()) {
            queue(spool, big, "Subject: many\r\n\r\nbody\r\n");
            assertThat(spool.list()).singleElement().satisfies(q -> assertThat(q.envelope()).isEqualTo(big));
            assertThat(content(spool, big.id())).isEqualTo("Subject: many\r\n\r\nbody\r\n");
        }
    }

    @Test
    @DisplayName("200 messages committed at once are all queued, each listener told once")
    void concurrentCommits() throws Exception {
        try (Spool spool = open()) {
            List<String> told = new CopyOnWriteArrayList<>();
            spool.onCommit(told::add);
            List<CompletableFuture<Void>> commits = new ArrayList<>();
            List<String> queued = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                SpoolEnvelope envelope = envelope();
                IncomingMessage m = spool.begin(envelope);
                m.append(bytes("Subject: " + i + "\r\n\r\nbody\r\n"));
                commits.add(spool.commit(m));
                queued.add(envelope.id());
            }
            CompletableFuture.allOf(commits.toArray(CompletableFuture[]::new)).join();
            assertThat(spool.list()).extracting(QueuedMessage::id).containsExactlyInAnyOrderElementsOf(queued);
            assertThat(told).containsExactlyInAnyOrderElementsOf(queued);
        }
    }

    @Test
    @DisplayName("a large message spills to the receive file while it arrives, and reads back whole")
    void largeMessagesSpillToDisk() throws Exception {
        SpoolEnvelope envelope = envelope();
        String line = "z".repeat(998) + "\r\n";
        try (Spool spool = open()) {
            IncomingMessage m = spool.begin(envelope);
            m.append(bytes("From: a@example.com\r\n\r\n"));
            for (int i = 0; i < 3000; i++) {
                m.append(bytes(line));
            }
            assertThat(receiving().resolve(envelope.id())).exists();
            spool.commit(m).join();
            String content = content(spool, envelope.id());
            assertThat(content).startsWith("From: a@example.com\r\n\r\nzzz").endsWith("zz\r\n")
                    .hasSize("From: a@example.com\r\n\r\n".length() + 3000 * line.length());
            assertThat(spool.find(envelope.id()).orElseThrow().size()).isEqualTo(content.length());
        }
    }

    @Test
    @DisplayName("an empty message (no content at all) is stored and reads back empty")
    void emptyContent() throws Exception {
        SpoolEnvelope envelope = envelope();
        try (Spool spool = open()) {
            queue(spool, envelope, "");
            assertThat(content(spool, envelope.id())).isEmpty();
        }
    }

    @Test
    @DisplayName("the room a signer kept at the start is written over, in memory or in the spilled file, and reads back")
    void rewriteFillsTheRoomKeptAtTheStart() throws Exception {
        for (int lines : new int[] {1, 1000}) {
            SpoolEnvelope envelope = envelope();
            try (Spool spool = open()) {
                IncomingMessage m = spool.begin(envelope);
                m.append(bytes("          From: a@example.com\r\n\r\n"));
                String line = "z".repeat(998) + "\r\n";
                for (int i = 0; i < lines; i++) {
                    m.append(bytes(line));
                }
                m.rewrite(0, bytes("X-Sig: 1\r\n"));
                spool.commit(m).join();
                assertThat(content(spool, envelope.id())).startsWith("X-Sig: 1\r\nFrom: a@example.com\r\n\r\nzzz")
                        .hasSize("          From: a@example.com\r\n\r\n".length() + lines * line.length());
            }
        }
    }

    @Test
    @DisplayName("fields prepended at the end go in front of all content, in memory or in the spilled file, and the size counts them")
    void prependPutsFieldsInFrontOfAllContent() throws Exception {
        for (int lines : new int[] {1, 1000}) {
            SpoolEnvelope envelope = envelope();
            try (Spool spool = open()) {
                IncomingMessage m = spool.begin(envelope);
                m.append(bytes("From: a@example.com\r\n\r\n"));
                String line = "z".repeat(998) + "\r\n";
                for (int i = 0; i < lines; i++) {
                    m.append(bytes(line));
                }
                m.prepend(bytes("Authentication-Results: mx.test; none\r\n"), Optional.of("Junk"));
                m.append(bytes("end\r\n"));
                spool.commit(m).join();
                String expected = "Authentication-Results: mx.test; none\r\nFrom: a@example.com\r\n\r\n" + line.repeat(lines) + "end\r\n";
                assertThat(content(spool, envelope.id())).isEqualTo(expected);
                assertThat(m.contentSize()).isEqualTo(expected.length());
                assertThat(spool.find(envelope.id()).orElseThrow().envelope()).isEqualTo(envelope.withFolder(Optional.of("Junk")));
            }
        }
    }

    @Test
    @DisplayName("the journal replays over the envelope, in order, across a reopen; a message not in the queue takes none")
    void journalReplays() throws Exception {
        SpoolEnvelope envelope = envelope();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Mailbox bob = Mailbox.stored("bob@example.org");
        try (Spool spool = open()) {
            queue(spool, envelope, "Subject: j\r\n\r\nbody\r\n");
            spool.record(envelope.id(), List.of(new QueueEvent.Attempted(now, bob, RecipientState.Status.PENDING, "mx.example.org",
                    Reply.parseLine("451 4.3.0 try later")), new QueueEvent.Scheduled(now, now.plusSeconds(300), now)));
            spool.record(envelope.id(), List.of(new QueueEvent.Held(now.plusSeconds(1))));
            assertThatThrownBy(() -> spool.record("NOSUCHID000000000", List.of(new QueueEvent.Held(now)))).isInstanceOf(IOException.class);
        }
        try (Spool spool = open()) {
            DeliveryState state = spool.state(spool.find(envelope.id()).orElseThrow());
            assertThat(state.held()).isTrue();
            assertThat(state.nextAttempt()).isEqualTo(now.plusSeconds(300));
            assertThat(state.pending()).containsExactly(bob);
            MessageState loaded = spool.load(envelope.id()).orElseThrow();
            assertThat(loaded.state()).as("load reads what find and state read").isEqualTo(state);
            assertThat(loaded.message().envelope()).isEqualTo(envelope);
            assertThat(spool.delete(envelope.id())).isTrue();
            assertThat(spool.load(envelope.id())).isEmpty();
            assertThatThrownBy(() -> spool.record(envelope.id(), List.of(new QueueEvent.Released(now)))).isInstanceOf(IOException.class);
        }
    }

    @Test
    @DisplayName("a message set aside leaves the queue, is listed with the others set aside, and takes no more journal")
    void setAsideLeavesTheQueue() throws Exception {
        SpoolEnvelope kept = envelope();
        SpoolEnvelope aside = envelope();
        try (Spool spool = open()) {
            queue(spool, kept, "Subject: kept\r\n\r\nbody\r\n");
            queue(spool, aside, "Subject: aside\r\n\r\nbody\r\n");
            spool.setAside(aside.id(), "repeated local failures");
            assertThat(spool.list()).extracting(QueuedMessage::id).containsExactly(kept.id());
            assertThat(spool.find(aside.id())).isEmpty();
            assertThat(spool.setAside()).containsExactly(aside.id());
            assertThatThrownBy(() -> spool.setAside(aside.id(), "again")).isInstanceOf(IOException.class);
        }
    }

    @Test
    @DisplayName("the census counts waiting, held and set aside, and the oldest waiting arrival")
    void countsTheQueue() throws Exception {
        SpoolEnvelope waiting = envelope();
        SpoolEnvelope held = envelope();
        SpoolEnvelope aside = envelope();
        try (Spool spool = open()) {
            assertThat(spool.counts()).isEqualTo(QueueCounts.EMPTY);
            queue(spool, waiting, "Subject: w\r\n\r\nbody\r\n");
            queue(spool, held, "Subject: h\r\n\r\nbody\r\n");
            queue(spool, aside, "Subject: a\r\n\r\nbody\r\n");
            spool.record(held.id(), List.of(new QueueEvent.Held(Instant.now())));
            spool.setAside(aside.id(), "test");
            assertThat(spool.counts()).isEqualTo(new QueueCounts(1, 1, 1, Optional.of(waiting.arrival())));
        }
    }

    @Test
    @DisplayName("signalChange, from another opening of the same store, changes the stamp a running server reads")
    void changeStampMovesOnSignal() throws Exception {
        try (Spool server = open(); Spool admin = open()) {
            String before = server.changeStamp();
            admin.signalChange();
            assertThat(server.changeStamp()).isNotEqualTo(before);
        }
    }

    @Test
    @DisplayName("an unknown ID has no content and nothing to delete")
    void unknownIds() throws Exception {
        try (Spool spool = open()) {
            assertThat(spool.find("NOSUCHID000000000")).isEmpty();
            assertThat(spool.delete("NOSUCHID000000000")).isFalse();
            assertThatThrownBy(() -> spool.content("NOSUCHID000000000")).isInstanceOf(IOException.class);
        }
    }
}
