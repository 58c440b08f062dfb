package org.mailgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mailgate.config.AddressRange;
import org.mailgate.policy.BanList.Ban;

/** What every {@link BanStore} does, whatever holds the bans: the ban file and the database run these same tests. */
public abstract class BanStoreContract {
    /** A store over this test's bans, the same ones on each call (another process's view). */
    protected abstract BanStore open() throws Exception;

    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    private static Ban ban(String range, Instant until, String reason) {
        return new Ban(AddressRange.parse(range).orElseThrow(), until, reason);
    }

    @Test
    @DisplayName("bans read back as written, from another opening: networks, ends and reasons")
    void roundTrip() throws Exception {
        assertThat(open().read()).isEmpty();
        Ban forever = ban("192.0.2.0/24", null, "manual");
        Ban automatic = ban("2001:db8:1:2::/64", NOW.plus(Duration.ofHours(1)), Ban.AUTOMATIC + "10 failed logins in 15m");
        BanList bans = new BanList(open(), Clock.systemUTC());
        bans.add(forever);
        bans.add(automatic);
        assertThat(open().read()).containsExactlyInAnyOrder(forever, automatic);
        BanList elsewhere = new BanList(open(), Clock.systemUTC());
        elsewhere.load();
        assertThat(elsewhere.find(InetAddress.getByName("192.0.2.77"))).contains(forever);
        assertThat(elsewhere.find(InetAddress.getByName("2001:db8:1:2::9"))).contains(automatic);
        assertThat(elsewhere.find(InetAddress.getByName("198.51.100.1"))).isEmpty();
    }

    @Test
    @DisplayName("adding a range already banned replaces its ban; removing takes exactly that range; ended bans are dropped")
    void replaceRemoveAndExpire() throws Exception {
        BanList bans = new BanList(open(), Clock.systemUTC());
        bans.add(ban("198.51.100.7/32", NOW.minus(Duration.ofMinutes(1)), "ended"));
        bans.add(ban("192.0.2.1/32", NOW.plus(Duration.ofMinutes(5)), "first"));
        bans.add(ban("192.0.2.1/32", NOW.plus(Duration.ofDays(1)), "second"));
        assertThat(open().read()).containsExactly(ban("192.0.2.1/32", NOW.plus(Duration.ofDays(1)), "second"));
        assertThat(bans.remove(AddressRange.parse("192.0.2.0/24").orElseThrow())).isFalse();
        assertThat(bans.remove(AddressRange.parse("192.0.2.1").orElseThrow())).isTrue();
        assertThat(open().read()).isEmpty();
    }

    @Test
    @DisplayName("a change by another process moves the version, and a refresh then sees it; reading does not move it")
    void refreshSeesOtherWriters() throws Exception {
        BanList server = new BanList(open(), Clock.systemUTC());
        server.load();
        Object before = open().version();
        open().read();
        assertThat(open().version()).isEqualTo(before);
        new BanList(open(), Clock.systemUTC()).add(ban("203.0.113.5/32", null, "manual"));
        assertThat(open().version()).isNotEqualTo(before);
        assertThat(server.find(InetAddress.getByName("203.0.113.5"))).isEmpty();
        // the file's stamp has a clock's resolution: a refresh within it may see nothing, the next sees the change
        for (int i = 0; i < 50 && server.find(InetAddress.getByName("203.0.113.5")).isEmpty(); i++) {
            server.refresh();
            Thread.sleep(20);
        }
        assertThat(server.find(InetAddress.getByName("203.0.113.5"))).isPresent();
    }
}
