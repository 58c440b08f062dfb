package org.mailgate.policy;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.mailgate.auth.ClientKey;
import org.mailgate.auth.RecentEvents;
import org.mailgate.auth.SharedEvents;
import org.mailgate.auth.SharedTally;
import org.mailgate.config.AddressRange;
import org.mailgate.config.AutoBanConfig;
import org.mailgate.config.Durations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bans a client that keeps failing logins, keeps trying to relay, or probes for valid
 * recipients, as Stalwart does without fail2ban: past the threshold within the window, the
 * client (IPv4 address, IPv6 /64) is refused at connect for the ban's duration.
 *
 * <p>With a {@link SharedTally} (several nodes on one database) the other nodes' offences of the
 * client count too, as last read (every two seconds): a client that spreads its relay attempts
 * over the nodes is banned after about as many as against one.
 */
public final class AutoBan {
    private static final Logger log = LoggerFactory.getLogger(AutoBan.class);

    public enum Offence { FAILED_LOGIN, RELAY_ATTEMPT, UNKNOWN_RECIPIENT }

    /** The kind of event in the shared store. */
    public static final String KIND = "offence";

    private volatile AutoBanConfig config;
    private final BanList bans;
    private final Executor writer;
    private final Clock clock;
    private final RecentEvents events;
    private final Optional<SharedTally> shared;

    /** @param writer where the bans are written: never an event loop */
    public AutoBan(AutoBanConfig config, BanList bans, Executor writer, Clock clock) {
        this(config, bans, writer, clock, Optional.empty());
    }

    private AutoBan(AutoBanConfig config, BanList bans, Executor writer, Clock clock, Optional<SharedTally> shared) {
        this.shared = shared;
        this.config = config;
        this.bans = bans;
        this.writer = writer;
        this.clock = clock;
        this.events = new RecentEvents(config.window().toMillis(), most(config) + 1, 100_000);
    }

    /** One that counts every node's offences through {@code store}; it starts from this node's own within the window. */
    public static AutoBan shared(AutoBanConfig config, BanList bans, Executor writer, Clock clock, SharedEvents store) throws IOException {
        SharedTally tally = new SharedTally(store, KIND, List.of(config.window()), clock);
        AutoBan autoBan = new AutoBan(config, bans, writer, clock, Optional.of(tally));
        autoBan.restore(tally.own(config.window()));
        tally.read();
        return autoBan;
    }

    private static int most(AutoBanConfig config) {
        return Math.max(config.failedLogins(), Math.max(config.relayAttempts(), config.unknownRecipients()));
    }

    /** A reload's new thresholds, window and duration; offences counted stay, bans in force keep their end. */
    public void reconfigure(AutoBanConfig next) {
        config = next;
        events.resize(next.window().toMillis(), most(next) + 1);
        shared.ifPresent(tally -> tally.windows(List.of(next.window())));
    }

    /** With a shared store: sends this node's offences and reads the others'; every two seconds, from one thread, off the event loops. */
    public void share() {
        shared.ifPresent(SharedTally::share);
    }

    /** Forgets, in the shared store, the offences older than the window. */
    public void prune() {
        shared.ifPresent(SharedTally::prune);
    }

    /** The offences still in the window, to save across a restart (one node's). */
    public List<RecentEvents.Entry> save() {
        return events.entries(clock.millis());
    }

    /** Takes back what an earlier run saved. */
    public void restore(List<RecentEvents.Entry> saved) {
        events.restore(saved, clock.millis());
    }

    public void record(InetAddress client, Offence offence) {
        if (!config.enabled()) {
            return;
        }
        String key = ClientKey.of(client);
        long now = clock.millis();
        String counter = offence + " " + key;
        events.add(counter, now);
        shared.ifPresent(tally -> tally.add(counter, Instant.ofEpochMilli(now), 1));
        Duration window = config.window();
        int count = events.count(counter, now) + shared.map(tally -> tally.elsewhere(counter, window).count()).orElse(0);
        if (count < threshold(offence)) {
            return;
        }
        events.clear(counter);
        AddressRange range = ClientKey.range(client);
        String reason = BanList.Ban.AUTOMATIC + count + " " + describe(offence) + " in " + Durations.format(config.window());
        BanList.Ban ban = new BanList.Ban(range, clock.instant().plus(config.duration()), reason);
        log.warn("client={} banned for {}: {}", key, Durations.format(config.duration()), reason);
        writer.execute(() -> {
            try {
                bans.add(ban);
            } catch (IOException e) {
                bans.holdHere(ban);
                log.error("client={} ban not saved, in force on this node only: {}", key, e.getMessage());
            }
        });
    }

    private int threshold(Offence offence) {
        return switch (offence) {
            case FAILED_LOGIN -> config.failedLogins();
            case RELAY_ATTEMPT -> config.relayAttempts();
            case UNKNOWN_RECIPIENT -> config.unknownRecipients();
        };
    }

    private static String describe(Offence offence) {
        return switch (offence) {
            case FAILED_LOGIN -> "failed logins";
            case RELAY_ATTEMPT -> "relay attempts";
            case UNKNOWN_RECIPIENT -> "unknown recipients";
        };
    }
}
