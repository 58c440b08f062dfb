package org.mailgate.mailauth;

import java.util.Optional;

/** The signing algorithms we sign with: RFC 6376 3.3.1 and RFC 8463. */
public enum DkimAlgorithm {
    RSA_SHA256("rsa-sha256", "rsa"),
    ED25519_SHA256("ed25519-sha256", "ed25519");

    private final String tag;
    private final String keyType;

    DkimAlgorithm(String tag, String keyType) {
        this.tag = tag;
        this.keyType = keyType;
    }

    /** The a= value. */
    public String tag() {
        return tag;
    }

    /** The key record's k= value, and the name `mailgate dkim` uses. */
    public String keyType() {
        return keyType;
    }

    public static Optional<DkimAlgorithm> ofKeyType(String keyType) {
        for (DkimAlgorithm algorithm : values()) {
            if (algorithm.keyType.equals(keyType)) {
                return Optional.of(algorithm);
            }
        }
        return Optional.empty();
    }
}
