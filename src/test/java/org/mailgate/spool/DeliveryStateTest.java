package org.mailgate.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mailgate.mail.Mailbox;
import org.mailgate.mail.Reply;

/** The delivery journal: what replaying it yields, and what a crash mid-write leaves. */
class DeliveryStateTest {
    private static final Instant T = Instant.parse("2026-11-25T10:00:00Z");
    private static final SpoolEnvelope ENVELOPE = TestEnvelopes.envelope("1M88AAAAA0000AAAA", T).from("a@example.com")
            .to("x@one.test", "y@two.test").build();
    private static final Mailbox X = Mailbox.stored("x@one.test");
    private static final Mailbox Y = Mailbox.stored("y@two.test");

    @Test
    @DisplayName("a delivered recipient stays delivered; the other keeps its attempts and last reply")
    void replayKeepsFinalOutcomes() {
        byte[] journal = DeliveryJournal.encode(List.of(
                new QueueEvent.Attempted(T, X, RecipientState.Status.DELIVERED, "mx.one.test", Reply.parseLine("250 ok")),
                new QueueEvent.Attempted(T, Y, RecipientState.Status.PENDING, "mx.two.test", Reply.parseLine("451 4.3.0 later\tplease\u0007")),
                new QueueEvent.Attempted(T, X, RecipientState.Status.PENDING, "mx.one.test", Reply.parseLine("451 late duplicate")),
                new QueueEvent.Scheduled(T, T.plusSeconds(300), T)));
        DeliveryState state = DeliveryState.replay(ENVELOPE, DeliveryJournal.decode(journal));
        assertThat(state.pending()).containsExactly(Y);
        assertThat(state.recipients().get(X).status()).isEqualTo(RecipientState.Status.DELIVERED);
        assertThat(state.recipients().get(Y).lastReplyLine()).isEqualTo("451 4.3.0 later please");
        assertThat(state.nextAttempt()).isEqualTo(T.plusSeconds(300));
        assertThat(state.rounds()).isEqualTo(1);
    }

    @Test
    @DisplayName("a line torn by a crash is ignored: the event never happened, every earlier one stands")
    void tornLastLineIsIgnored() {
        byte[] whole = DeliveryJournal.encode(List.of(
                new QueueEvent.Attempted(T, X, RecipientState.Status.DELIVERED, "", Reply.parseLine("250 ok")),
                new QueueEvent.Attempted(T, Y, RecipientState.Status.DELIVERED, "", Reply.parseLine("250 ok"))));
        String text = new String(whole, StandardCharsets.UTF_8);
        byte[] torn = Arrays.copyOf(whole, text.indexOf("y@two.test") + 4);
        DeliveryState state = DeliveryState.replay(ENVELOPE, DeliveryJournal.decode(torn));
        assertThat(state.pending()).containsExactly(Y);
    }

    @Test
    @DisplayName("hold, release, retry and bounce as the admin's commands write them")
    void adminEvents() {
        List<QueueEvent> events = List.of(new QueueEvent.Scheduled(T, T.plusSeconds(3600), T), new QueueEvent.Held(T));
        assertThat(replay(events).held()).isTrue();
        assertThat(replay(append(events, new QueueEvent.Released(T))).held()).isFalse();
        assertThat(replay(append(events, new QueueEvent.Released(T))).nextAttempt()).isEqualTo(T.plusSeconds(3600));
        DeliveryState retried = replay(append(events, new QueueEvent.RetryNow(T)));
        assertThat(retried.held()).isFalse();
        assertThat(retried.nextAttempt()).isNull();
        DeliveryState bounced = replay(append(events, new QueueEvent.BounceRequested(T)));
        assertThat(bounced.bounceRequested()).isTrue();
        assertThat(bounced.held()).isFalse();
        assertThat(bounced.nextAttempt()).isNull();
    }

    @Test
    @DisplayName("a retry asked while a round runs stays due when that round reschedules; a later round honours it")
    void retryAskedDuringARoundSurvivesItsReschedule() {
        QueueEvent retry = new QueueEvent.RetryNow(T.plusSeconds(1));
        QueueEvent roundThatWasRunning = new QueueEvent.Scheduled(T.plusSeconds(2), T.plusSeconds(3600), T);
        assertThat(replay(List.of(retry, roundThatWasRunning)).nextAttempt()).isNull();
        QueueEvent laterRound = new QueueEvent.Scheduled(T.plusSeconds(5), T.plusSeconds(7200), T.plusSeconds(4));
        assertThat(replay(List.of(retry, roundThatWasRunning, laterRound)).nextAttempt()).isEqualTo(T.plusSeconds(7200));
    }

    private static DeliveryState replay(List<QueueEvent> events) {
        return DeliveryState.replay(ENVELOPE, DeliveryJournal.decode(DeliveryJournal.encode(events)));
    }

    private static List<QueueEvent> append(List<QueueEvent> events, QueueEvent event) {
        return java.util.stream.Stream.concat(events.stream(), java.util.stream.Stream.of(event)).toList();
    }
}
