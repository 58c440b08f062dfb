package org.mailgate.auth;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.mailgate.config.Durations;
import org.mailgate.config.LoginThrottleConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Slows and then stops password guessing, per client (address or IPv6 /64) and per account.
 *
 * <p>Only distinct wrong passwords count: a phone that keeps retrying a user's old password
 * after a change is one failure, not hundreds. A keyed hash (HMAC with a random key) of each
 * attempted password is kept, never the password. Past {@code delay-after}
 * failures each answer waits twice as long, up to {@code max-delay}; past {@code lockout-after}
 * the client, or the account from any address, is refused without a password check for the
 * lockout period. An address that has logged in to the account before still may (with the
 * right password), so an attacker cannot lock a user out. Unknown accounts are counted exactly
 * like known ones: the answers tell nothing about which users exist.
 *
 * <p>Checks still in progress count too: a guesser that sends a hundred AUTHs at once on a
 * hundred connections gets no more full password checks than one sending them in turn.
 *
 * <p>With {@link SharedLogins} (several nodes on one database) failures, lockouts and
 * known-good addresses are also kept there and read from there, with one password key for all
 * nodes: a guesser spreading its attempts over the nodes is locked out after as many failures
 * as against one. While the store does not answer, this node's own counts still throttle.
 */
public final class LoginThrottle {
    private static final Logger log = LoggerFactory.getLogger(LoginThrottle.class);
    private static final int MAX_KEYS = 100_000;
    private static final int MAX_KNOWN_ADDRESSES = 32;

    /** A lockout in force: who, until when (epoch milliseconds). */
    public record Lock(String who, long until) {}

    /** An address the account logged in from, trusted through its lockouts until then (epoch milliseconds). */
    public record KnownGood(String account, String client, long until) {}

    /** What a restart keeps: the password key (the saved tags mean nothing without it), failures, lockouts, known-good addresses. */
    public record Saved(byte[] key, List<RecentEvents.Entry> clientFailures, List<RecentEvents.Entry> accountFailures,
            List<Lock> lockedClients, List<Lock> lockedAccounts, List<KnownGood> knownGood) {}

    private volatile LoginThrottleConfig config;
    private volatile Duration baseDelay;
    private final Clock clock;
    private final RecentEvents clientFailures;
    private final RecentEvents accountFailures;
    private final Map<String, Long> lockedClients = new ConcurrentHashMap<>();
    private final Map<String, Long> lockedAccounts = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Long>> knownGood = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final SecretKeySpec key;
    private final Optional<SharedLogins> shared;
    private volatile long lastSharedWarning;

    /** @param baseDelay the wait before every failed AUTH reply (auth-failure-delay) */
    public LoginThrottle(LoginThrottleConfig config, Duration baseDelay, Clock clock) {
        this(config, baseDelay, clock, Optional.empty(), randomKey());
    }

    /** One whose counts every node shares through {@code shared}. */
    public LoginThrottle(LoginThrottleConfig config, Duration baseDelay, Clock clock, SharedLogins shared) throws IOException {
        this(config, baseDelay, clock, Optional.of(shared), shared.tagKey());
    }

    private LoginThrottle(LoginThrottleConfig config, Duration baseDelay, Clock clock, Optional<SharedLogins> shared, byte[] secret) {
        this.shared = shared;
        this.config = config;
        this.baseDelay = baseDelay;
        this.clock = clock;
        int keep = config.lockoutAfter() + 1;
        this.clientFailures = new RecentEvents(config.window().toMillis(), keep, MAX_KEYS);
        this.accountFailures = new RecentEvents(config.window().toMillis(), keep, MAX_KEYS);
        this.key = new SecretKeySpec(secret, "HmacSHA256");
    }

    /** One that goes on from what an earlier run saved (the file backend's restart). */
    public static LoginThrottle restore(LoginThrottleConfig config, Duration baseDelay, Clock clock, Saved saved) {
        LoginThrottle throttle = new LoginThrottle(config, baseDelay, clock, Optional.empty(), saved.key());
        long now = clock.millis();
        throttle.clientFailures.restore(saved.clientFailures(), now);
        throttle.accountFailures.restore(saved.accountFailures(), now);
        saved.lockedClients().stream().filter(l -> l.until() > now).forEach(l -> throttle.lockedClients.put(l.who(), l.until()));
        saved.lockedAccounts().stream().filter(l -> l.until() > now).forEach(l -> throttle.lockedAccounts.put(l.who(), l.until()));
        saved.knownGood().stream().filter(k -> k.until() > now)
                .forEach(k -> throttle.knownGood.computeIfAbsent(k.account(), a -> new ConcurrentHashMap<>()).put(k.client(), k.until()));
        return throttle;
    }

    /** What {@link #restore} takes back after a restart. */
    public Saved save() {
        long now = clock.millis();
        List<KnownGood> good = new ArrayList<>();
        knownGood.forEach((account, addresses) -> addresses.forEach((client, until) -> {
            if (until > now) {
                good.add(new KnownGood(account, client, until));
            }
        }));
        return new Saved(key.getEncoded(), clientFailures.entries(now), accountFailures.entries(now), lockedClients(), lockedAccounts(), good);
    }

    private static byte[] randomKey() {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        return secret;
    }

    /** True when its counts live in a shared store: it is then asked off the event loop. */
    public boolean isShared() {
        return shared.isPresent();
    }

    /** A reload's new settings; failures counted and lockouts in force stay (a lockout keeps the end it was given). */
    public void reconfigure(LoginThrottleConfig next, Duration nextBaseDelay) {
        config = next;
        baseDelay = nextBaseDelay;
        clientFailures.resize(next.window().toMillis(), next.lockoutAfter() + 1);
        accountFailures.resize(next.window().toMillis(), next.lockoutAfter() + 1);
    }

    /**
     * Whether an attempt from this client on this account may be checked at all; when it may,
     * it is in progress until {@link #failed} or {@link #succeeded} ends it.
     */
    public boolean begin(String client, String account) {
        long now = clock.millis();
        if (locked(lockedClients, client, now) || locked(lockedAccounts, account, now) && !knownGood(account, client, now)) {
            return false;
        }
        AtomicInteger checking = inFlight.computeIfAbsent(client, c -> new AtomicInteger());
        if (checking.incrementAndGet() + clientFailureCount(client, now) > config.lockoutAfter()) {
            end(client);
            return false;
        }
        return true;
    }

    private void end(String client) {
        inFlight.computeIfPresent(client, (c, count) -> count.decrementAndGet() <= 0 ? null : count);
    }

    /** A wrong password (or an unknown user): counts it, and says how long to wait before answering. */
    public Duration failed(String client, String account, String password) {
        end(client);
        long now = clock.millis();
        long tag = tag(account, password);
        clientFailures.add(client, now, 1, tag);
        accountFailures.add(account, now, 1, tag);
        int byClient = clientFailures.count(client, now);
        int byAccount = accountFailures.count(account, now);
        if (shared.isPresent()) {
            try {
                SharedLogins.Failures everywhere = shared.get().failed(client, account, tag, config.window());
                byClient = everywhere.byClient();
                byAccount = everywhere.byAccount();
            } catch (IOException e) {
                sharedUnavailable(e);
            }
        }
        if (byClient >= config.lockoutAfter() && lock(lockedClients, client, now)) {
            log.warn("client={} locked out for {} after {} failed logins", client, Durations.format(config.lockout()), byClient);
        }
        if (byAccount >= config.lockoutAfter() && lock(lockedAccounts, account, now)) {
            log.warn("account={} locked out for {} after {} failed logins (addresses it logged in from still may)",
                    account, Durations.format(config.lockout()), byAccount);
        }
        return delay(Math.max(byClient, byAccount));
    }

    /** The wait before answering an attempt refused by a lockout: as long as a failure's. */
    public Duration refusedDelay() {
        return delay(config.lockoutAfter());
    }

    public void succeeded(String client, String account) {
        end(client);
        long now = clock.millis();
        Map<String, Long> addresses = knownGood.computeIfAbsent(account, a -> new ConcurrentHashMap<>());
        if (addresses.size() >= MAX_KNOWN_ADDRESSES && !addresses.containsKey(client)) {
            addresses.entrySet().stream().min(Map.Entry.comparingByValue()).ifPresent(oldest -> addresses.remove(oldest.getKey()));
        }
        addresses.put(client, now + config.knownGood().toMillis());
        if (knownGood.size() > MAX_KEYS) {
            prune();
        }
        if (shared.isPresent()) {
            try {
                shared.get().knownGood(account, client, Instant.ofEpochMilli(now + config.knownGood().toMillis()));
            } catch (IOException e) {
                sharedUnavailable(e);
            }
        }
    }

    public List<Lock> lockedAccounts() {
        return locks(lockedAccounts);
    }

    public List<Lock> lockedClients() {
        return locks(lockedClients);
    }

    /**
     * An admin's unlock: the account (or client key) may log in again at once, its failures
     * forgotten; true when it was locked out.
     */
    public boolean unlock(String who) {
        boolean locked = locked(lockedAccounts, who, clock.millis()) || locked(lockedClients, who, clock.millis());
        lockedAccounts.remove(who);
        lockedClients.remove(who);
        accountFailures.clear(who);
        clientFailures.clear(who);
        if (shared.isPresent()) {
            try {
                shared.get().forget(who);
            } catch (IOException e) {
                sharedUnavailable(e);
            }
        }
        if (locked) {
            log.info("{} unlocked by the admin", who);
        }
        return locked;
    }

    /** Forgets what has expired; call now and then from one housekeeping thread. */
    public void prune() {
        long now = clock.millis();
        clientFailures.prune(now);
        accountFailures.prune(now);
        lockedClients.values().removeIf(until -> until <= now);
        lockedAccounts.values().removeIf(until -> until <= now);
        knownGood.values().forEach(addresses -> addresses.values().removeIf(until -> until <= now));
        knownGood.values().removeIf(Map::isEmpty);
        if (shared.isPresent()) {
            try {
                shared.get().prune(config.window());
            } catch (IOException e) {
                sharedUnavailable(e);
            }
        }
    }

    private Duration delay(int failures) {
        if (failures <= config.delayAfter()) {
            return baseDelay;
        }
        int doublings = Math.min(failures - config.delayAfter(), 20);
        Duration grown = baseDelay.multipliedBy(1L << doublings);
        Duration max = config.maxDelay().compareTo(baseDelay) > 0 ? config.maxDelay() : baseDelay;
        return grown.compareTo(max) > 0 ? max : grown;
    }

    private boolean knownGood(String account, String client, long now) {
        Map<String, Long> addresses = knownGood.get(account);
        Long until = addresses == null ? null : addresses.get(client);
        if (until != null && until > now) {
            return true;
        }
        try {
            return shared.isPresent() && shared.get().isKnownGood(account, client);
        } catch (IOException e) {
            sharedUnavailable(e);
            return false;
        }
    }

    /**
     * With a shared store, its word (a lock set or lifted by any node), kept here for the status
     * and for when the store does not answer; without one, this node's.
     */
    private boolean locked(Map<String, Long> locks, String key, long now) {
        if (shared.isPresent()) {
            try {
                Optional<Instant> until = shared.get().lockedUntil(key).filter(at -> at.toEpochMilli() > now);
                if (until.isPresent()) {
                    locks.put(key, until.get().toEpochMilli());
                } else {
                    locks.remove(key);
                }
                return until.isPresent();
            } catch (IOException e) {
                sharedUnavailable(e);
            }
        }
        return lockedUntil(locks, key, now);
    }

    private int clientFailureCount(String client, long now) {
        if (shared.isPresent()) {
            try {
                return shared.get().clientFailures(client, config.window());
            } catch (IOException e) {
                sharedUnavailable(e);
            }
        }
        return clientFailures.count(client, now);
    }

    /** Said once a minute at most: under a flood every attempt would say it. */
    private void sharedUnavailable(IOException e) {
        long now = clock.millis();
        if (now - lastSharedWarning > 60_000) {
            lastSharedWarning = now;
            log.warn("failed logins are counted on this node only: the shared store does not answer ({})", e.getMessage());
        }
    }

    private static boolean lockedUntil(Map<String, Long> locks, String key, long now) {
        Long until = locks.get(key);
        return until != null && until > now;
    }

    /** Locks the key; true when it was not already locked (so it is logged once per lockout). */
    private boolean lock(Map<String, Long> locks, String key, long now) {
        if (locks.size() >= MAX_KEYS) {
            locks.values().removeIf(until -> until <= now);
        }
        long until = now + config.lockout().toMillis();
        Long previous = locks.put(key, until);
        boolean fresh = previous == null || previous <= now;
        if (fresh && shared.isPresent()) {
            try {
                fresh = shared.get().lock(key, Instant.ofEpochMilli(until));
            } catch (IOException e) {
                sharedUnavailable(e);
            }
        }
        return fresh;
    }

    private List<Lock> locks(Map<String, Long> locks) {
        long now = clock.millis();
        return locks.entrySet().stream().filter(e -> e.getValue() > now)
                .map(e -> new Lock(e.getKey(), e.getValue())).sorted(Comparator.comparing(Lock::who)).toList();
    }

    /** A keyed hash of the attempted password, so distinct passwords count once; never zero. */
    private long tag(String account, String password) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(account.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            long tag = ByteBuffer.wrap(mac.doFinal(password.getBytes(StandardCharsets.UTF_8))).getLong();
            return tag == 0 ? 1 : tag;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
