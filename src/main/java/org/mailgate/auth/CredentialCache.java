package org.mailgate.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Remembers recent successful logins, as Dovecot's auth cache does, so a client that logs in
 * for every message does not pay a full Argon2id hash each time. Only a keyed hash (HMAC with
 * a random per-process key) of the password is kept, never the password; an entry counts only
 * while the user's stored hash is unchanged (a password change ends it) and until it expires.
 * Failures are never cached: every wrong password costs the full hash.
 */
final class CredentialCache {
    private static final int MAX_ENTRIES = 100_000;

    private record Entry(byte[] mac, String storedHash, long expiresAt) {}

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final SecretKeySpec key;
    private volatile long ttlMillis;
    private final Clock clock;

    CredentialCache(Duration ttl, Clock clock) {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        this.key = new SecretKeySpec(secret, "HmacSHA256");
        this.ttlMillis = ttl.toMillis();
        this.clock = clock;
    }

    boolean enabled() {
        return ttlMillis > 0;
    }

    /** A reload's new lifetime, for the logins remembered from now on. */
    void ttl(Duration ttl) {
        ttlMillis = ttl.toMillis();
    }

    boolean matches(User user, String password) {
        Entry entry = entries.get(user.address());
        if (entry == null || !entry.storedHash().equals(user.passwordHash()) || clock.millis() > entry.expiresAt()) {
            return false;
        }
        return MessageDigest.isEqual(entry.mac(), mac(user.address(), password));
    }

    void remember(User user, String password) {
        if (entries.size() >= MAX_ENTRIES) {
            long now = clock.millis();
            entries.values().removeIf(e -> now > e.expiresAt());
            if (entries.size() >= MAX_ENTRIES) {
                entries.clear(); // a flood of distinct users: start over rather than grow
            }
        }
        entries.put(user.address(), new Entry(mac(user.address(), password), user.passwordHash(), clock.millis() + ttlMillis));
    }

    private byte[] mac(String address, String password) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(address.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            return mac.doFinal(password.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
