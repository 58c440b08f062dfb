package org.mailgate.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mailgate.testing.ManualClock;

/** One kind of event counted on every node: what is sent, what is read back, and what waits while the store is down. */
class SharedTallyTest {
    /** A store in memory for two nodes: what "this" node adds lands in its list; the other node's are given. */
    private static final class Store implements SharedEvents {
        final List<Event> mine = new ArrayList<>();
        final List<Event> theirs = new ArrayList<>();
        boolean down;

        @Override
        public void add(String kind, List<Event> events) throws IOException {
            check();
            mine.addAll(events);
        }

        @Override
        public Map<String, Totals> elsewhere(String kind, Instant since) throws IOException {
            check();
            Map<String, Totals> totals = new HashMap<>();
            theirs.stream().filter(e -> e.at().isAfter(since)).forEach(e -> totals.merge(e.key(), new Totals(1, e.weight()),
                    (a, b) -> new Totals(a.count() + b.count(), a.weight() + b.weight())));
            return totals;
        }

        @Override
        public List<Event> own(String kind, Instant since) throws IOException {
            check();
            return mine.stream().filter(e -> e.at().isAfter(since)).toList();
        }

        @Override
        public void prune(String kind, Instant before) throws IOException {
            check();
            theirs.removeIf(e -> !e.at().isAfter(before));
        }

        private void check() throws IOException {
            if (down) {
                throw new IOException("the database does not answer");
            }
        }
    }

    @Test
    @DisplayName("each window reads the other nodes' totals; this node's events reach the store at the next share, also after an outage")
    void sharesAndReads() throws Exception {
        ManualClock clock = new ManualClock(Instant.parse("2026-12-04T10:00:00Z"));
        Store store = new Store();
        SharedTally tally = new SharedTally(store, "sent", List.of(Duration.ofHours(1), Duration.ofDays(1)), clock);
        store.theirs.add(new SharedEvents.Event("alice", clock.instant().minus(Duration.ofHours(2)), 5));
        store.theirs.add(new SharedEvents.Event("alice", clock.instant().minus(Duration.ofMinutes(5)), 2));
        assertThat(tally.elsewhere("alice", Duration.ofHours(1))).as("nothing read yet").isEqualTo(SharedEvents.Totals.NONE);
        tally.add("alice", clock.instant(), 3);
        tally.share();
        assertThat(store.mine).containsExactly(new SharedEvents.Event("alice", clock.instant(), 3));
        assertThat(tally.elsewhere("alice", Duration.ofHours(1))).isEqualTo(new SharedEvents.Totals(1, 2));
        assertThat(tally.elsewhere("alice", Duration.ofDays(1))).isEqualTo(new SharedEvents.Totals(2, 7));
        assertThat(tally.keys()).containsExactly("alice");

        store.down = true;
        tally.add("bob", clock.instant(), 1);
        tally.share();
        assertThat(tally.elsewhere("alice", Duration.ofDays(1))).as("kept as last read").isEqualTo(new SharedEvents.Totals(2, 7));
        store.down = false;
        tally.share();
        assertThat(store.mine).as("sent once the store answers").extracting(SharedEvents.Event::key).containsExactly("alice", "bob");
        assertThat(tally.own(Duration.ofDays(1))).hasSize(2);

        clock.advance(Duration.ofMinutes(90));
        tally.prune();
        tally.read();
        assertThat(tally.elsewhere("alice", Duration.ofHours(1))).isEqualTo(SharedEvents.Totals.NONE);
        assertThat(tally.elsewhere("alice", Duration.ofDays(1))).isEqualTo(new SharedEvents.Totals(2, 7));
    }
}
