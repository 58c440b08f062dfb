package org.mailgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mailgate.config.AutoBanConfig;

class AutoBanTest {
    /** A store that does not answer: a shared database that is down. */
    private static final class DownStore implements BanStore {
        @Override
        public List<BanList.Ban> read() {
            return List.of();
        }

        @Override
        public void update(UnaryOperator<List<BanList.Ban>> change) throws IOException {
            throw new IOException("the database does not answer");
        }

        @Override
        public Object version() {
            return 0;
        }
    }

    @Test
    @DisplayName("a ban the store will not take (the database down) is still in force on this node: a flood meets it")
    void banHeldHereWhenTheStoreIsDown() throws Exception {
        BanList bans = new BanList(new DownStore(), Clock.systemUTC());
        bans.load();
        AutoBan autoBan = new AutoBan(AutoBanConfig.DEFAULTS.with(AutoBanConfig.RELAY_ATTEMPTS, 3), bans, Runnable::run, Clock.systemUTC());
        InetAddress relay = InetAddress.getByName("198.51.100.7");
        for (int i = 0; i < 3; i++) {
            autoBan.record(relay, AutoBan.Offence.RELAY_ATTEMPT);
        }
        assertThat(bans.find(relay)).hasValueSatisfying(ban -> assertThat(ban.automatic()).isTrue());
        assertThat(bans.find(InetAddress.getByName("198.51.100.8"))).isEmpty();
    }
}
