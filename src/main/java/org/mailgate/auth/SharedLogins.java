package org.mailgate.auth;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Failed logins, lockouts and known-good addresses kept where every node sees them (a shared
 * database), so a guesser who spreads its attempts over all nodes is throttled as if there were
 * one. The keys are {@link LoginThrottle}'s: a client key or an account. Calls block: never on
 * an event loop.
 */
public interface SharedLogins {
    /** What the store holds after a failure: the distinct failures of the client and of the account within the window. */
    record Failures(int byClient, int byAccount) {}

    /** Counts a failure (a distinct password is one tag) for the client and the account. */
    Failures failed(String client, String account, long tag, Duration window) throws IOException;

    /** The client's distinct failures within the window. */
    int clientFailures(String client, Duration window) throws IOException;

    /** Locks the client key or account until then; true when it was not locked already. */
    boolean lock(String who, Instant until) throws IOException;

    Optional<Instant> lockedUntil(String who) throws IOException;

    /** The client logged in to the account: it may while the account is locked, until then. */
    void knownGood(String account, String client, Instant until) throws IOException;

    boolean isKnownGood(String account, String client) throws IOException;

    /** An admin's unlock: the lock and the failures of {@code who} are gone. */
    void forget(String who) throws IOException;

    /** Drops what is older than the window (failures) or over (locks, known-good addresses). */
    void prune(Duration window) throws IOException;

    /** The key of the password tags, the same on every node, so that one password counts once wherever it is tried. */
    byte[] tagKey() throws IOException;
}
