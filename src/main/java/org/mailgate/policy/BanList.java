package org.mailgate.policy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.mailgate.auth.FileStamp;
import org.mailgate.auth.LockedTextFile;
import org.mailgate.config.AddressRange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Clients refused at connect, kept in the data directory's {@code bans} file so they survive a
 * restart: one ban a line, {@code RANGE UNTIL REASON}, UNTIL an instant or "never". The server
 * and `mailgate ban` both change it; the server reloads it when it changes.
 */
public final class BanList {
    private static final Logger log = LoggerFactory.getLogger(BanList.class);
    public static final String NAME = "bans";

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

        String line() {
            return range + " " + (until == null ? "never" : until.toString()) + " " + reason.replaceAll("\\s+", " ");
        }
    }

    private final LockedTextFile file;
    private final Clock clock;
    private volatile List<Ban> current = List.of();
    private FileStamp lastSeen;

    public BanList(Path dataDir, Clock clock) {
        this.file = new LockedTextFile(dataDir.resolve(NAME));
        this.clock = clock;
    }

    /** Reads the file (for the server at start, and for the CLI). */
    public List<Ban> load() throws IOException {
        FileStamp stamp = FileStamp.of(file.path());
        current = parse(file.lines());
        lastSeen = stamp;
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

    /** Adds or replaces the ban of this range; expired bans are dropped from the file meanwhile. */
    public void add(Ban ban) throws IOException {
        change(bans -> {
            bans.removeIf(b -> b.range().equals(ban.range()));
            bans.add(ban);
        });
    }

    /** Removes the ban of exactly this range; false when there was none. */
    public boolean remove(AddressRange range) throws IOException {
        boolean[] removed = {false};
        change(bans -> removed[0] = bans.removeIf(b -> b.range().equals(range)));
        return removed[0];
    }

    /** Reloads when the file changed (a `mailgate ban` command); call from one thread, off the event loops. */
    public void refresh() {
        try {
            if (!Objects.equals(FileStamp.of(file.path()), lastSeen)) {
                load();
                log.info("bans reloaded: {} in force", active().size());
            }
        } catch (IOException e) {
            log.error("ban file not reloaded, keeping {} bans: {}", current.size(), e.getMessage());
        }
    }

    private void change(Consumer<List<Ban>> edit) throws IOException {
        Instant now = clock.instant();
        List<Ban> result = new ArrayList<>();
        try {
            file.update(lines -> {
                List<Ban> bans = new ArrayList<>(parseUnchecked(lines));
                bans.removeIf(b -> !b.activeAt(now));
                edit.accept(bans);
                result.addAll(bans);
                List<String> text = new ArrayList<>();
                text.add("# Mailgate bans: address-or-network until reason");
                bans.forEach(b -> text.add(b.line()));
                return text;
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        current = List.copyOf(result);
        lastSeen = FileStamp.of(file.path());
    }

    private List<Ban> parseUnchecked(List<String> lines) {
        try {
            return parse(lines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<Ban> parse(List<String> lines) throws IOException {
        List<Ban> bans = new ArrayList<>();
        int number = 0;
        for (String line : lines) {
            number++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.strip().split(" ", 3);
            Optional<AddressRange> range = AddressRange.parse(fields[0]);
            Instant until = null;
            try {
                if (fields.length >= 2 && !fields[1].equals("never")) {
                    until = Instant.parse(fields[1]);
                }
            } catch (DateTimeParseException e) {
                range = Optional.empty();
            }
            if (range.isEmpty() || fields.length < 2) {
                throw new IOException(file.path() + ":" + number + ": expected ADDRESS[/PREFIX] UNTIL|never REASON");
            }
            bans.add(new Ban(range.get(), until, fields.length == 3 ? fields[2] : ""));
        }
        return List.copyOf(bans);
    }

}
