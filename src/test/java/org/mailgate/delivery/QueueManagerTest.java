package org.mailgate.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailgate.config.DeliveryConfig;
import org.mailgate.mail.Mailbox;
import org.mailgate.mail.Reply;
import org.mailgate.spool.FileSpool;
import org.mailgate.spool.QueueEvent;
import org.mailgate.spool.QueueIds;
import org.mailgate.spool.QueuedMessage;
import org.mailgate.spool.SpoolEnvelope;
import org.mailgate.spool.TestEnvelopes;
import org.mailgate.testing.ManualClock;

/**
 * The queue manager's decisions, with a fake clock and a fake transport over a real spool: retry
 * scheduling, 4xx and 5xx per recipient, expiry, the delay notice, hold and release, the bounce
 * for a bounce, and a restart between two rounds. Each test runs in milliseconds.
 */
class QueueManagerTest {
    private static final String ALICE = "alice@example.com";
    private static final DeliveryConfig SETTINGS = DeliveryConfig.DEFAULTS;

    @TempDir Path dir;
    private final ManualClock clock = new ManualClock(Instant.parse("2026-12-01T10:00:00Z"));
    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
    private final FakeTransport transport = new FakeTransport();
    private FileSpool spool;
    private Attempts attempts;

    @BeforeEach
    void open() throws IOException {
        spool = FileSpool.open(dir);
        attempts = new Attempts(SETTINGS, "mx.test", spool, transport, clock, workers);
    }

    @AfterEach
    void close() {
        spool.close();
        workers.shutdownNow();
    }

    @Test
    @DisplayName("a 4xx leaves the recipient pending: retried after retry-first, then at doubling intervals, and removed once delivered")
    void retriesOnTemporaryFailure() throws IOException {
        String id = queue(clock.instant(), "bob@b.test");
        transport.answer = r -> Reply.parseLine("451 4.3.2 busy");

        assertThat(attempts.run(id).next()).contains(clock.instant().plus(SETTINGS.retryFirst()));
        assertThat(attempts.run(id).next()).as("not due yet: no attempt").contains(clock.instant().plus(SETTINGS.retryFirst()));
        assertThat(transport.sent).hasSize(1);

        clock.advance(SETTINGS.retryFirst());
        assertThat(attempts.run(id).next()).contains(clock.instant().plus(SETTINGS.retryFirst().multipliedBy(2)));
        assertThat(state(id).recipients().get(mailbox("bob@b.test")).attempts()).isEqualTo(2);

        clock.advance(SETTINGS.retryFirst().multipliedBy(2));
        transport.answer = r -> Reply.parseLine("250 2.0.0 queued as X");
        assertThat(attempts.run(id)).as("done: removed, no lease left to release").isEqualTo(Attempts.Round.REMOVED);
        assertThat(transport.sent).hasSize(3);
        assertThat(spool.list()).as("delivered: removed, no notice").isEmpty();
    }

    @Test
    @DisplayName("delivered on the first attempt to one destination: removed with no journal written (one durable write); two destinations journal each")
    void firstAttemptDeliveredWritesNoJournal() throws Exception {
        transport.answer = r -> Reply.parseLine("250 2.0.0 queued");
        String one = queue(clock.instant(), "a@b.test", "b@b.test");
        assertThat(attempts.run(one)).isEqualTo(Attempts.Round.REMOVED);
        assertThat(spool.find(one)).isEmpty();
        assertThat(notices()).isEmpty();
        try (var journals = java.nio.file.Files.list(dir.resolve("spool/journal"))) {
            assertThat(journals).as("no journal written for it").isEmpty();
        }
        transport.answer = r -> r.domain().equals("c.test") ? Reply.parseLine("451 4.3.2 busy") : Reply.parseLine("250 ok");
        String two = queue(clock.instant(), "a@b.test", "x@c.test");
        assertThat(attempts.run(two).next()).isPresent();
        assertThat(state(two).pending()).containsExactly(mailbox("x@c.test"));
    }

    @Test
    @DisplayName("per recipient: 250 delivers, 550 bounces to the sender, 451 stays pending; each decided once")
    void eachRecipientByItsOwnReply() throws Exception {
        String id = queue(clock.instant(), "ok@b.test", "gone@b.test", "later@b.test");
        transport.answer = r -> switch (r.localPart()) {
            case "ok" -> Reply.parseLine("250 ok");
            case "gone" -> Reply.parseLine("550 5.1.1 no such user");
            default -> Reply.parseLine("451 4.2.1 mailbox busy");
        };
        attempts.run(id);

        assertThat(state(id).pending()).containsExactly(mailbox("later@b.test"));
        QueuedMessage bounce = only(notices());
        assertThat(bounce.envelope().recipients()).extracting(SpoolEnvelope.Recipient::address).containsExactly(mailbox(ALICE));
        assertThat(content(bounce)).contains("Subject: Undelivered Mail Returned to Sender").contains("gone@b.test")
                .contains("Status: 5.1.1").doesNotContain("Final-Recipient: rfc822;ok@b.test");

        clock.advance(SETTINGS.retryFirst());
        transport.answer = r -> Reply.parseLine("250 ok");
        attempts.run(id);
        assertThat(transport.sent.get(1)).as("only the pending one again").containsExactly(mailbox("later@b.test"));
        assertThat(spool.find(id)).isEmpty();
        assertThat(notices()).hasSize(1);
    }

    @Test
    @DisplayName("past expire the pending recipients fail with 4.4.7 and the last reply, without another attempt")
    void expires() throws Exception {
        String id = queue(clock.instant(), "bob@b.test");
        transport.answer = r -> Reply.parseLine("451 4.3.2 busy");
        attempts.run(id);
        clock.advance(SETTINGS.expire().plusMinutes(1));

        assertThat(attempts.run(id).next()).isEmpty();
        assertThat(transport.sent).hasSize(1);
        assertThat(spool.find(id)).isEmpty();
        String bounce = content(only(notices()));
        assertThat(bounce).contains("Status: 4.4.7").contains("message expired after 5 days").contains("last reply: 451 4.3.2 busy");
    }

    @Test
    @DisplayName("after delay-warning the sender hears once that the message is still being retried")
    void warnsOnceWhenDelayed() throws Exception {
        String id = queue(clock.instant().minus(SETTINGS.delayWarning()).minusSeconds(1), "bob@b.test");
        transport.answer = r -> Reply.parseLine("451 4.3.2 busy");
        attempts.run(id);
        clock.advance(SETTINGS.retryFirst());
        attempts.run(id);

        QueuedMessage notice = only(notices());
        assertThat(content(notice)).contains("Subject: Delayed Mail (still being retried)").contains("Action: delayed")
                .contains("Will-Retry-Until:");
        assertThat(state(id).delayWarned()).isTrue();
    }

    @Test
    @DisplayName("a held message is not attempted, a released one is; a postmaster's bounce returns it with 5.0.0")
    void holdReleaseAndReturn() throws Exception {
        String id = queue(clock.instant(), "bob@b.test");
        spool.record(id, List.of(new QueueEvent.Held(clock.instant())));
        assertThat(attempts.run(id).next()).isEmpty();
        assertThat(transport.sent).isEmpty();

        spool.record(id, List.of(new QueueEvent.Released(clock.instant())));
        transport.answer = r -> Reply.parseLine("451 4.3.2 busy");
        assertThat(attempts.run(id).next()).isPresent();
        assertThat(transport.sent).hasSize(1);

        spool.record(id, List.of(new QueueEvent.BounceRequested(clock.instant())));
        assertThat(attempts.run(id).next()).isEmpty();
        assertThat(transport.sent).as("returned without another attempt").hasSize(1);
        assertThat(content(only(notices()))).contains("Status: 5.0.0").contains("returned to the sender by the postmaster");
    }

    @Test
    @DisplayName("a bounce that itself bounces is kept on hold for the postmaster: no notice about a notice")
    void bounceOfABounceIsHeld() throws Exception {
        String id = new QueueIds().next(clock.millis());
        spool.enqueue(TestEnvelopes.envelope(id, clock.instant()).local("mx.test").to("nobody@b.test").build(), body());
        transport.answer = r -> Reply.parseLine("550 5.1.1 no such user");

        assertThat(attempts.run(id).next()).isEmpty();
        assertThat(spool.list()).extracting(QueuedMessage::id).containsExactly(id);
        assertThat(state(id).held()).isTrue();
        assertThat(attempts.run(id).next()).isEmpty();
        assertThat(transport.sent).hasSize(1);
    }

    @Test
    @DisplayName("a restart between rounds: what was delivered is never sent again, what was pending is")
    void restartBetweenRounds() throws Exception {
        String id = queue(clock.instant(), "first@b.test", "second@b.test");
        transport.answer = r -> r.localPart().equals("first") ? Reply.parseLine("250 ok") : Reply.parseLine("421 4.4.2 closing");
        Instant next = attempts.run(id).next().orElseThrow();

        spool.close();
        spool = FileSpool.open(dir);
        FakeTransport afterRestart = new FakeTransport();
        afterRestart.answer = r -> Reply.parseLine("250 ok");
        attempts = new Attempts(SETTINGS, "mx.test", spool, afterRestart, clock, workers);

        assertThat(state(id).nextAttempt()).as("the schedule survives the restart").isEqualTo(next);
        clock.advance(Duration.between(clock.instant(), next));
        attempts.run(id);
        assertThat(afterRestart.sent).containsExactly(List.of(mailbox("second@b.test")));
        assertThat(spool.find(id)).isEmpty();
    }

    @Test
    @DisplayName("recipients are grouped by route, one transaction per destination, each address once")
    void groupsByRoute() throws Exception {
        String id = queue(clock.instant(), "a@one.test", "b@two.test", "c@one.test", "a@one.test");
        transport.answer = r -> Reply.parseLine("250 ok");
        attempts.run(id);
        assertThat(transport.sent).containsExactlyInAnyOrder(List.of(mailbox("a@one.test"), mailbox("c@one.test")),
                List.of(mailbox("b@two.test")));
    }

    @Test
    @DisplayName("the service delivers what was queued before it started and what is committed while it runs, then closes its transport")
    void serviceDeliversOldAndNew() throws Exception {
        String before = queue(clock.instant(), "old@b.test");
        try (DeliveryService service = DeliveryService.start(SETTINGS, "mx.test", spool, transport, clock)) {
            String after = queue(clock.instant(), "new@b.test");
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!spool.list().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(spool.find(before)).isEmpty();
            assertThat(spool.find(after)).isEmpty();
        }
        assertThat(transport.closed).isTrue();
    }

    @Test
    @DisplayName("a reload's new transport takes the next rounds; the old one is closed once its round in flight is over")
    void reconfigureSwapsTheTransportBetweenRounds() throws Exception {
        CountDownLatch inFlight = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        transport.answer = r -> {
            inFlight.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Reply.parseLine("250 ok");
        };
        FakeTransport next = new FakeTransport();
        try (DeliveryService service = DeliveryService.start(SETTINGS, "mx.test", spool, transport, clock)) {
            String first = queue(clock.instant(), "slow@b.test");
            assertThat(inFlight.await(10, TimeUnit.SECONDS)).isTrue();
            service.reconfigure(SETTINGS, "mx.test", next);
            String second = queue(clock.instant(), "fast@b.test");
            awaitGone(second);
            assertThat(next.sent).containsExactly(List.of(mailbox("fast@b.test")));
            assertThat(transport.closed).as("its round is still in flight").isFalse();

            release.countDown();
            awaitGone(first);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!transport.closed && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(transport.closed).isTrue();
            assertThat(next.closed).isFalse();
        }
        assertThat(next.closed).isTrue();
    }

    private void awaitGone(String id) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (spool.find(id).isPresent() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(spool.find(id)).isEmpty();
    }

    private String queue(Instant arrival, String... recipients) throws IOException {
        String id = new QueueIds().next(clock.millis());
        return spool.enqueue(TestEnvelopes.envelope(id, arrival).submittedBy(ALICE).to(recipients).build(), body());
    }

    private static byte[] body() {
        return "From: alice@example.com\r\nSubject: test\r\n\r\nHello.\r\n".getBytes(StandardCharsets.US_ASCII);
    }

    private org.mailgate.spool.DeliveryState state(String id) throws IOException {
        return spool.state(spool.find(id).orElseThrow());
    }

    private List<QueuedMessage> notices() throws IOException {
        return spool.list().stream().filter(m -> m.envelope().sender().isEmpty()).toList();
    }

    private String content(QueuedMessage m) throws IOException {
        try (var in = spool.content(m.id())) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static <T> T only(List<T> items) {
        assertThat(items).hasSize(1);
        return items.get(0);
    }

    private static Mailbox mailbox(String address) {
        return Mailbox.stored(address);
    }

    /** Routes by domain and answers each recipient as {@link #answer} says; remembers what it was given. */
    private static final class FakeTransport implements Transport {
        Function<Mailbox, Reply> answer = r -> Reply.parseLine("250 ok");
        final List<List<Mailbox>> sent = new CopyOnWriteArrayList<>();
        volatile boolean closed;

        @Override
        public Route route(Mailbox recipient) {
            return new Route.Mx(recipient.domain());
        }

        @Override
        public synchronized List<Outcome> deliver(Route route, RoutedMessage message) {
            List<Mailbox> recipients = message.recipients().stream().map(SpoolEnvelope.Recipient::address).toList();
            sent.add(recipients);
            return recipients.stream().map(r -> Outcome.of(r, answer.apply(r), "mx." + r.domain() + "[192.0.2.1]:25")).toList();
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
