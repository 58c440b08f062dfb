package org.mailgate.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailgate.auth.LoginThrottle;
import org.mailgate.auth.RecentEvents;

/** The counters file of one node: what a restart takes back, whatever a client typed as its account. */
class SavedCountersTest {
    @TempDir Path dataDir;

    @Test
    @DisplayName("every counter reads back as written, keys with spaces, newlines, percent signs or nothing at all included")
    void roundTrip() {
        byte[] key = new byte[32];
        key[0] = 7;
        String odd = "evil user\r\nfailed-client 1.2.3.4 0 1 1 %20";
        LoginThrottle.Saved logins = new LoginThrottle.Saved(key,
                List.of(new RecentEvents.Entry("192.0.2.1", 1_000, 1, 42)),
                List.of(new RecentEvents.Entry(odd, 2_000, 1, -5), new RecentEvents.Entry("", 3_000, 1, 9)),
                List.of(new LoginThrottle.Lock("192.0.2.1", 9_000)), List.of(new LoginThrottle.Lock(odd, 8_000)),
                List.of(new LoginThrottle.KnownGood("alice@example.com", "2001:db8::/64", 7_000)));
        SavedCounters.Counters counters = new SavedCounters.Counters(logins, List.of(new RecentEvents.Entry("alice@example.com", 4_000, 3, 0)),
                List.of(new RecentEvents.Entry("RELAY_ATTEMPT 192.0.2.9", 5_000, 1, 0)));
        new SavedCounters(dataDir).write(counters);
        SavedCounters.Counters read = new SavedCounters(dataDir).read().orElseThrow();
        assertThat(read.logins().key()).isEqualTo(key);
        assertThat(read.logins().clientFailures()).isEqualTo(logins.clientFailures());
        assertThat(read.logins().accountFailures()).isEqualTo(logins.accountFailures());
        assertThat(read.logins().lockedClients()).isEqualTo(logins.lockedClients());
        assertThat(read.logins().lockedAccounts()).isEqualTo(logins.lockedAccounts());
        assertThat(read.logins().knownGood()).isEqualTo(logins.knownGood());
        assertThat(read.sent()).isEqualTo(counters.sent());
        assertThat(read.offences()).isEqualTo(counters.offences());
    }

    @Test
    @DisplayName("a file that does not parse, or none at all, gives nothing to take back: counting starts over, the start goes on")
    void unreadableStartsOver() throws Exception {
        assertThat(new SavedCounters(dataDir).read()).isEmpty();
        Files.writeString(dataDir.resolve(SavedCounters.NAME), "tag-key AAAA\nsomething else 1 2\n");
        assertThat(new SavedCounters(dataDir).read()).isEmpty();
        Files.writeString(dataDir.resolve(SavedCounters.NAME), "failed-client 192.0.2.1 notanumber 1 1\n");
        assertThat(new SavedCounters(dataDir).read()).isEmpty();
    }
}
