package org.mailgate.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PasswordHashesTest {
    private final PasswordHashes hashes = new PasswordHashes();

    @Test
    void argon2idRoundTrip() {
        String hash = hashes.hash("correct horse");
        assertThat(hash).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
        assertThat(hashes.verify("correct horse", hash)).isTrue();
        assertThat(hashes.verify("correct horsE", hash)).isFalse();
        assertThat(hashes.hash("correct horse")).isNotEqualTo(hash); // salted
    }

    @Test
    void sha512CryptFromDovecot() {
        // The reference vector of the SHA-crypt specification (also what `openssl passwd -6` prints).
        String hash = "$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1";
        assertThat(hashes.verify("Hello world!", hash)).isTrue();
        assertThat(hashes.verify("Hello world!", "{SHA512-CRYPT}" + hash)).isTrue();
        assertThat(hashes.verify("hello world!", hash)).isFalse();
    }

    @Test
    void bcryptVariants() {
        // crypt_blowfish test vector; $2a$, $2b$ and $2y$ agree for ASCII passwords.
        String salted = "$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW";
        for (String prefix : new String[] {"$2a", "$2b", "$2y", "{BLF-CRYPT}$2y"}) {
            assertThat(hashes.verify("U*U", prefix + salted)).as(prefix).isTrue();
            assertThat(hashes.verify("U*V", prefix + salted)).as(prefix).isFalse();
        }
    }

    @Test
    void unknownSchemesNeverVerify() {
        assertThat(hashes.verify("x", "{PLAIN}x")).isFalse();
        assertThat(hashes.verify("x", "")).isFalse();
        assertThat(PasswordHashes.isSupported("{PLAIN}x")).isFalse();
    }
}
