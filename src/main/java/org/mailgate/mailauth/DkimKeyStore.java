package org.mailgate.mailauth;

import java.io.IOException;
import java.net.IDN;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where the DKIM keys live: files in the data directory, or a database every node shares. A key
 * goes pending (published, not used) -> active (signs) -> retiring (replaced, still published
 * for mail in flight) -> retired (its private key deleted; unpublish it), the M3AAWG rotation
 * practice.
 */
public interface DkimKeyStore {
    /** RFC 6376 3.1: a selector is dot-separated labels; we keep to letters, digits and hyphens. */
    Pattern SELECTOR = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
    Pattern DOMAIN = Pattern.compile("([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z0-9-]{2,63}");

    enum Stage { PENDING, ACTIVE, RETIRING, RETIRED;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A key as stored; {@code key} is empty once retired. */
    record StoredKey(String domain, String selector, DkimAlgorithm algorithm, Stage stage, String publicKey, Instant created,
            Instant changed, Optional<DkimKey> key) {

        /** The TXT record's name. */
        public String recordName() {
            return selector + "._domainkey." + domain;
        }

        /** The TXT record's text. */
        public String record() {
            return "v=DKIM1; k=" + algorithm.keyType() + "; p=" + publicKey;
        }
    }

    /** The domain in the form keys are filed under (lowercase, A-labels), or empty when it is not a domain name. */
    static Optional<String> domainName(String domain) {
        try {
            String ascii = IDN.toASCII(domain.toLowerCase(Locale.ROOT), IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
            return DOMAIN.matcher(ascii).matches() ? Optional.of(ascii) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    static boolean validSelector(String selector) {
        return selector.length() <= 253 && SELECTOR.matcher(selector).matches();
    }

    /** Every key of every domain, by domain, then creation. */
    List<StoredKey> list() throws IOException;

    Optional<StoredKey> find(String domain, String selector) throws IOException;

    /** Files a new key, pending. */
    StoredKey add(String domain, String selector, DkimKey key, Instant now) throws IOException;

    /** Moves a key to {@code stage}; retired, its private key is deleted. */
    StoredKey move(StoredKey key, Stage stage, Instant now) throws IOException;

    /** Differs from its last value whenever a key changed, by any process: the running server reads them again. */
    Object version() throws IOException;
}
