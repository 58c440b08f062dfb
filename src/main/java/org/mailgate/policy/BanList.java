package org.mailgate.policy;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.mailgate.config.AddressRange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Clients refused at connect, kept in a {@link BanStore} so they survive a restart (and, in a
 * shared database, hold on every node). The server and `mailgate ban` both change it; the server
 * reads it again when it changes.
 */
public final class BanList {
    private static final Logger log = LoggerFactory.getLogger(BanList.class);

    /** @param until null for a ban without end */
    public record Ban(AddressRange range, Instant until, String reason) {
        /** AutoBan's reasons start so: the client is told it was its failures; a manual ban tells it nothing. */
        public static final String AUTOMATIC = "auto: ";

        public boolean automatic() {
            return reason.startsWith(AUTOMATIC);
        }

        boolean activeAt(Instant now) {
            return until == null || until.isAfter(now);
        }
    }

    private final BanStore store;
    private final Clock clock;
    private volatile List<Ban> current = List.of();
    private Object lastSeen;
    private boolean unreadable;

    public BanList(BanStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Reads the store (for the server at start, and for the CLI). */
    public synchronized List<Ban> load() throws IOException {
        Object version = store.version();
        current = store.read();
        lastSeen = version;
        return current;
    }

    /** Bans in force now. */
    public List<Ban> active() {
        Instant now = clock.instant();
        return current.stream().filter(b -> b.activeAt(now)).toList();
    }

    public Optional<Ban> find(InetAddress address) {
        Instant now = clock.instant();
        for (Ban ban : current) {
            if (ban.activeAt(now) && ban.range().contains(address)) {
                return Optional.of(ban);
            }
        }
        return Optional.empty();
    }

    /** Adds or replaces the ban of this range; ended bans are dropped from the store meanwhile. */
    public void add(Ban ban) throws IOException {
        change(bans -> {
            bans.removeIf(b -> b.range().equals(ban.range()));
            bans.add(ban);
        });
    }

    /**
     * A ban the store would not take (a database down): in force here, until the store is read
     * again after it changes, so a flood meets it meanwhile.
     */
    public synchronized void holdHere(Ban ban) {
        List<Ban> held = new ArrayList<>(current);
        held.removeIf(b -> b.range().equals(ban.range()));
        held.add(ban);
        current = List.copyOf(held);
    }

    /** Removes the ban of exactly this range; false when there was none. */
    public boolean remove(AddressRange range) throws IOException {
        boolean[] removed = {false};
        change(bans -> removed[0] = bans.removeIf(b -> b.range().equals(range)));
        return removed[0];
    }

    /** Reads the store again when it changed (a `mailgate ban` command, another node); off the event loops. */
    public synchronized void refresh() {
        try {
            Object version = store.version();
            if (unreadable) {
                unreadable = false;
                log.info("bans readable again");
            }
            if (!Objects.equals(version, lastSeen)) {
                load();
                log.info("bans reloaded: {} in force", active().size());
            }
        } catch (IOException e) {
            if (!unreadable) { // said once, not every second while a database is down
                unreadable = true;
                log.error("bans not reloaded, keeping {}: {}", current.size(), e.getMessage());
            }
        }
    }

    private synchronized void change(Consumer<List<Ban>> edit) throws IOException {
        Instant now = clock.instant();
        List<Ban> result = new ArrayList<>();
        store.update(bans -> {
            bans.removeIf(b -> !b.activeAt(now));
            edit.accept(bans);
            result.addAll(bans);
            return bans;
        });
        current = List.copyOf(result);
        lastSeen = store.version();
    }
}
