package org.mailgate.delivery.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MTA-STS policies kept until they expire, in memory and in one file per domain under the data
 * directory: after a restart an attacker who blocks the policy fetch still meets the policy
 * (RFC 8461 5.1: the cache is what defeats a downgrade). A file is "id", "mode", "expires", then
 * one MX pattern a line.
 */
public final class MtaStsCache {
    private static final Logger log = LoggerFactory.getLogger(MtaStsCache.class);

    private final Path directory;
    /** Empty where the disk has no policy either, so a domain without MTA-STS costs no file lookup per message. */
    private final Map<String, Optional<MtaSts.Policy>> memory = new ConcurrentHashMap<>();

    /** @param directory null keeps policies in memory only */
    public MtaStsCache(Path directory) {
        this.directory = directory;
    }

    /** The cached policy that has not expired at {@code now}. */
    public Optional<MtaSts.Policy> get(String domain, Instant now) {
        Optional<MtaSts.Policy> policy = memory.computeIfAbsent(domain, d -> Optional.ofNullable(load(d)));
        if (policy.isPresent() && policy.get().expires().isBefore(now)) {
            memory.put(domain, Optional.empty());
            return Optional.empty();
        }
        return policy;
    }

    public void put(String domain, MtaSts.Policy policy) {
        memory.put(domain, Optional.of(policy));
        if (directory == null) {
            return;
        }
        try {
            Files.createDirectories(directory);
            Path tmp = directory.resolve(domain + ".tmp");
            Files.writeString(tmp, policy.id() + "\n" + policy.mode() + "\n" + policy.expires() + "\n" + String.join("\n", policy.mx()) + "\n");
            Files.move(tmp, directory.resolve(domain), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            log.warn("cannot keep the MTA-STS policy of {} on disk: {}", domain, e.getMessage());
        }
    }

    private MtaSts.Policy load(String domain) {
        if (directory == null || domain.contains("/") || domain.startsWith(".")) {
            return null;
        }
        try {
            List<String> lines = Files.readAllLines(directory.resolve(domain));
            return new MtaSts.Policy(lines.get(0), MtaSts.Mode.valueOf(lines.get(1)), lines.subList(3, lines.size()),
                    Instant.parse(lines.get(2)));
        } catch (NoSuchFileException none) {
            return null;
        } catch (IOException | IndexOutOfBoundsException | IllegalArgumentException | DateTimeParseException e) {
            log.warn("ignoring the unreadable cached MTA-STS policy of {}: {}", domain, e.getMessage());
            return null;
        }
    }
}
