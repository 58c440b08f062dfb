package org.mailgate.mailauth;

import java.io.IOException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The active keys of a running server, read again when `mailgate dkim` changes the keys (checked
 * by {@link #refresh}, which the server calls every second off the event loops). Keys that
 * cannot be read are logged, and the last good keys stay in use.
 */
public final class DkimKeyRing {
    private static final Logger log = LoggerFactory.getLogger(DkimKeyRing.class);

    private final DkimKeyStore store;
    private volatile Map<String, List<SigningKey>> active = Map.of();
    private Object lastSeen;
    private boolean unreadable;

    public DkimKeyRing(DkimKeyStore store) {
        this.store = store;
        refresh();
    }

    /** The domain's active keys, RSA first. */
    public List<SigningKey> active(String domain) {
        return active.getOrDefault(domain, List.of());
    }

    public synchronized void refresh() {
        try {
            Object stamp = store.version();
            if (unreadable) {
                unreadable = false;
                log.info("DKIM keys readable again");
            }
            if (stamp.equals(lastSeen)) {
                return;
            }
            Map<String, List<SigningKey>> keys = store.list().stream()
                    .filter(k -> k.stage() == DkimKeyStore.Stage.ACTIVE && k.key().isPresent())
                    .sorted(Comparator.comparing(DkimKeyStore.StoredKey::algorithm))
                    .collect(Collectors.groupingBy(DkimKeyStore.StoredKey::domain,
                            Collectors.mapping(k -> new SigningKey(k.domain(), k.selector(), k.key().get()), Collectors.toList())));
            active = Map.copyOf(keys);
            lastSeen = stamp;
            log.info("DKIM keys loaded: {}", keys.isEmpty() ? "none active" : keys.entrySet().stream()
                    .map(e -> e.getKey() + " " + e.getValue().stream().map(SigningKey::selector).toList()).collect(Collectors.joining(", ")));
        } catch (IOException e) {
            if (!unreadable) { // said once, not every second while a database is down
                unreadable = true;
                log.error("DKIM keys not reloaded, the keys in use stay: {}", e.getMessage());
            }
        }
    }
}
