package org.mailgate.delivery.tls;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MTA-STS policies kept until they expire, in memory and in a {@link MtaStsStore}: after a
 * restart (or on another node) an attacker who blocks the policy fetch still meets the policy
 * (RFC 8461 5.1: the cache is what defeats a downgrade).
 */
public final class MtaStsCache {
    private static final Logger log = LoggerFactory.getLogger(MtaStsCache.class);
    /** How long "the store has no policy" is believed before asking it again (another node may have fetched one since). */
    private static final Duration NONE_FOR = Duration.ofMinutes(1);

    /** What memory holds for a domain: the policy, or none as of {@code checked}. */
    private record Entry(Optional<MtaSts.Policy> policy, Instant checked) {}

    private final MtaStsStore store;
    private final Map<String, Entry> memory = new ConcurrentHashMap<>();

    public MtaStsCache(MtaStsStore store) {
        this.store = store;
    }

    /** The cached policy that has not expired at {@code now}. */
    public Optional<MtaSts.Policy> get(String domain, Instant now) {
        Entry entry = memory.get(domain);
        if (entry == null || entry.policy().isEmpty() && !entry.checked().plus(NONE_FOR).isAfter(now)) {
            entry = new Entry(load(domain), now);
            memory.put(domain, entry);
        }
        Optional<MtaSts.Policy> policy = entry.policy();
        if (policy.isPresent() && policy.get().expires().isBefore(now)) {
            memory.put(domain, new Entry(Optional.empty(), now));
            return Optional.empty();
        }
        return policy;
    }

    public void put(String domain, MtaSts.Policy policy) {
        memory.put(domain, new Entry(Optional.of(policy), Instant.EPOCH));
        try {
            store.save(domain, policy);
        } catch (IOException e) {
            log.warn("cannot keep the MTA-STS policy of {} past a restart: {}", domain, e.getMessage());
        }
    }

    private Optional<MtaSts.Policy> load(String domain) {
        try {
            return store.load(domain);
        } catch (IOException e) {
            log.warn("ignoring the cached MTA-STS policy of {}: {}", domain, e.getMessage());
            return Optional.empty();
        }
    }
}
