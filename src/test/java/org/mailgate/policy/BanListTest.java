package org.mailgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mailgate.config.AddressRange;
import org.slf4j.LoggerFactory;

class BanListTest {
    /** A store whose database can be switched off, as a shared one that goes down and comes back. */
    private static final class FlakyStore implements BanStore {
        final List<BanList.Ban> bans = new ArrayList<>();
        int version;
        boolean down;

        @Override
        public List<BanList.Ban> read() throws IOException {
            check();
            return List.copyOf(bans);
        }

        @Override
        public void update(UnaryOperator<List<BanList.Ban>> change) throws IOException {
            check();
            List<BanList.Ban> next = change.apply(new ArrayList<>(bans));
            bans.clear();
            bans.addAll(next);
            version++;
        }

        @Override
        public Object version() throws IOException {
            check();
            return version;
        }

        private void check() throws IOException {
            if (down) {
                throw new IOException("the database does not answer");
            }
        }
    }

    @Test
    @DisplayName("a store that does not answer keeps the bans in force and is logged once per outage, not at every refresh; then read again")
    void outageLoggedOnce() throws Exception {
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        Logger logger = (Logger) LoggerFactory.getLogger(BanList.class);
        logged.start();
        logger.addAppender(logged);
        try {
            FlakyStore store = new FlakyStore();
            BanList bans = new BanList(store, Clock.systemUTC());
            bans.add(new BanList.Ban(AddressRange.parse("192.0.2.1").orElseThrow(), null, "manual"));
            store.down = true;
            for (int i = 0; i < 5; i++) {
                bans.refresh();
            }
            assertThat(bans.active()).as("kept while the store is down").hasSize(1);
            store.down = false;
            store.update(list -> {
                list.add(new BanList.Ban(AddressRange.parse("192.0.2.2").orElseThrow(), null, "manual"));
                return list;
            });
            bans.refresh();
            assertThat(bans.active()).hasSize(2);
            assertThat(logged.list).extracting(ILoggingEvent::getFormattedMessage)
                    .containsExactly("bans not reloaded, keeping 1: the database does not answer", "bans readable again", "bans reloaded: 2 in force");
        } finally {
            logger.detachAppender(logged);
        }
    }
}
