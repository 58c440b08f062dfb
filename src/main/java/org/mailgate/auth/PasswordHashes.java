package org.mailgate.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.codec.digest.Crypt;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Password hashing. New hashes are Argon2id in the PHC string format; bcrypt ($2a$, $2b$, $2y$)
 * and SHA-512-crypt ($6$) verify too, with or without Dovecot's {SCHEME} prefix, so users can
 * be imported from a Dovecot passwd-file.
 */
public final class PasswordHashes {
    // OWASP's Argon2id baseline: 19 MiB, 2 iterations, 1 lane.
    private static final int MEMORY_KIB = 19 * 1024;
    private static final int ITERATIONS = 2;
    private static final int PARALLELISM = 1;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final Pattern ARGON2ID = Pattern.compile(
            "\\$argon2id\\$v=19\\$m=(\\d{1,8}),t=(\\d{1,4}),p=(\\d{1,3})\\$([A-Za-z0-9+/]+)\\$([A-Za-z0-9+/]+)");
    private static final Pattern SCHEME_PREFIX = Pattern.compile("^\\{[A-Z0-9.-]+}");
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();

    private final SecureRandom random = new SecureRandom();

    public String hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] hash = argon2(password, salt, MEMORY_KIB, ITERATIONS, PARALLELISM, HASH_BYTES);
        return "$argon2id$v=19$m=" + MEMORY_KIB + ",t=" + ITERATIONS + ",p=" + PARALLELISM
                + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(hash);
    }

    /** True when {@code stored} is a hash this class understands. */
    /** Whether {@code stored} is an Argon2id hash, the kind new passwords get; bcrypt and SHA-512-crypt are kept only until a login. */
    public static boolean isCurrent(String stored) {
        return stored.startsWith("$argon2id$");
    }

    /** The scheme of a stored hash, for the log: argon2id, bcrypt or sha512-crypt. */
    static String scheme(String stored) {
        String hash = stored.replaceFirst("^\\{[A-Z0-9-]+}", "");
        return hash.startsWith("$argon2id$") ? "argon2id" : hash.startsWith("$2") ? "bcrypt" : hash.startsWith("$6$") ? "sha512-crypt" : "unknown";
    }

    public static boolean isSupported(String stored) {
        String hash = SCHEME_PREFIX.matcher(stored).replaceFirst("");
        return ARGON2ID.matcher(hash).matches() || hash.matches("\\$2[aby]\\$\\d\\d\\$[./A-Za-z0-9]{53}")
                || hash.startsWith("$6$");
    }

    public boolean verify(String password, String stored) {
        String hash = SCHEME_PREFIX.matcher(stored).replaceFirst("");
        Matcher argon = ARGON2ID.matcher(hash);
        if (argon.matches()) {
            byte[] salt = Base64.getDecoder().decode(argon.group(4));
            byte[] expected = Base64.getDecoder().decode(argon.group(5));
            byte[] actual = argon2(password, salt, Integer.parseInt(argon.group(1)),
                    Integer.parseInt(argon.group(2)), Integer.parseInt(argon.group(3)), expected.length);
            return MessageDigest.isEqual(expected, actual);
        }
        if (hash.startsWith("$2a$") || hash.startsWith("$2b$") || hash.startsWith("$2y$")) {
            try {
                return OpenBSDBCrypt.checkPassword(hash, password.getBytes(StandardCharsets.UTF_8));
            } catch (IllegalArgumentException malformed) {
                return false;
            }
        }
        if (hash.startsWith("$6$")) {
            String computed = Crypt.crypt(password.getBytes(StandardCharsets.UTF_8), hash);
            return MessageDigest.isEqual(computed.getBytes(StandardCharsets.US_ASCII), hash.getBytes(StandardCharsets.US_ASCII));
        }
        return false;
    }

    private static byte[] argon2(String password, byte[] salt, int memoryKib, int iterations, int parallelism, int length) {
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(memoryKib)
                .withIterations(iterations)
                .withParallelism(parallelism)
                .withSalt(salt)
                .build());
        byte[] out = new byte[length];
        generator.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
        return out;
    }
}
