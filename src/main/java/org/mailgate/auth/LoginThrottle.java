package org.mailgate.auth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
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
 * after a change is one failure, not hundreds. A keyed hash (HMAC, random per-process key) of
 * each attempted password is kept in memory, never the password. Past {@code delay-after}
 * failures each answer waits twice as long, up to {@code max-delay}; past {@code lockout-after}
 * the client, or the account from any address, is refused without a password check for the
 * lockout period. An address that has logged in to the account before still may (with the
 * right password), so an attacker cannot lock a user out. Unknown accounts are counted exactly
 * like known ones: the answers tell nothing about which users exist.
 *
 * <p>Checks still in progress count too: a guesser that sends a hundred AUTHs at once on a
 * hundred connections gets no more full password checks than one sending them in turn.
 */
public final class LoginThrottle {
    private static final Logger log = LoggerFactory.getLogger(LoginThrottle.class);
    private static final int MAX_KEYS = 100_000;
    private static final int MAX_KNOWN_ADDRESSES = 32;

    /** A lockout in force: who, until when (epoch milliseconds). */
    public record Lock(String who, long until) {}

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

    /** @param baseDelay the wait before every failed AUTH reply (auth-failure-delay) */
    public LoginThrottle(LoginThrottleConfig config, Duration baseDelay, Clock clock) {
        this.config = config;
        this.baseDelay = baseDelay;
        this.clock = clock;
        int keep = config.lockoutAfter() + 1;
        this.clientFailures = new RecentEvents(config.window().toMillis(), keep, MAX_KEYS);
        this.accountFailures = new RecentEvents(config.window().toMillis(), keep, MAX_KEYS);
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        this.key = new SecretKeySpec(secret, "HmacSHA256");
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
        if (lockedUntil(lockedClients, client, now)
                || lockedUntil(lockedAccounts, account, now) && !isKnownGood(account, client, now)) {
            return false;
        }
        AtomicInteger checking = inFlight.computeIfAbsent(client, c -> new AtomicInteger());
        if (checking.incrementAndGet() + clientFailures.count(client, now) > config.lockoutAfter()) {
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
        boolean locked = lockedUntil(lockedAccounts, who, clock.millis()) || lockedUntil(lockedClients, who, clock.millis());
        lockedAccounts.remove(who);
        lockedClients.remove(who);
        accountFailures.clear(who);
        clientFailures.clear(who);
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

    private boolean isKnownGood(String account, String client, long now) {
        Map<String, Long> addresses = knownGood.get(account);
        Long until = addresses == null ? null : addresses.get(client);
        return until != null && until > now;
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
        Long previous = locks.put(key, now + config.lockout().toMillis());
        return previous == null || previous <= now;
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
