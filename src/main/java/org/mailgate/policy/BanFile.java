package org.mailgate.policy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.mailgate.auth.FileStamp;
import org.mailgate.auth.LockedTextFile;
import org.mailgate.config.AddressRange;
import org.mailgate.policy.BanList.Ban;

/** The bans in the data directory's {@code bans} file: one a line, {@code RANGE UNTIL REASON}, UNTIL an instant or "never". */
public final class BanFile implements BanStore {
    public static final String NAME = "bans";

    private final LockedTextFile file;

    public BanFile(Path dataDir) {
        this.file = new LockedTextFile(dataDir.resolve(NAME));
    }

    @Override
    public List<Ban> read() throws IOException {
        return parse(file.lines());
    }

    @Override
    public void update(UnaryOperator<List<Ban>> change) throws IOException {
        file.update(this::parse, change, bans -> {
            List<String> text = new ArrayList<>();
            text.add("# Mailgate bans: address-or-network until reason");
            bans.forEach(ban -> text.add(line(ban)));
            return text;
        });
    }

    /** The file's modification time, size and inode: what changes when it is replaced. */
    @Override
    public Object version() throws IOException {
        return FileStamp.of(file.path());
    }

    private static String line(Ban ban) {
        return ban.range() + " " + (ban.until() == null ? "never" : ban.until().toString()) + " " + ban.reason().replaceAll("\\s+", " ");
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
