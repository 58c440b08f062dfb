package org.mailgate.mailauth;

import java.io.IOException;
import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The DKIM keys of the data directory: {@code dkim/DOMAIN/SELECTOR.pem} (the private key,
 * PKCS#8, 0600) and {@code SELECTOR.state} (its stage, algorithm, public key and dates). A key
 * goes pending (published, not used) -> active (signs) -> retiring (replaced, still published
 * for mail in flight) -> retired (its private key deleted; unpublish it), the M3AAWG rotation
 * practice. Files are replaced by rename, so the running server never reads half a file.
 */
public final class DkimKeyStore {
    /** RFC 6376 3.1: a selector is dot-separated labels; we keep to letters, digits and hyphens. */
    private static final Pattern SELECTOR = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
    private static final Pattern DOMAIN = Pattern.compile("([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z0-9-]{2,63}");

    public enum Stage { PENDING, ACTIVE, RETIRING, RETIRED;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A key as stored; {@code key} is empty once retired. */
    public record StoredKey(String domain, String selector, DkimAlgorithm algorithm, Stage stage, String publicKey, Instant created,
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

    private final Path root;

    public DkimKeyStore(Path dataDir) {
        this.root = dataDir.resolve("dkim");
    }

    public Path root() {
        return root;
    }

    /** The domain in the form keys are filed under (lowercase, A-labels), or empty when it is not a domain name. */
    public static Optional<String> domainName(String domain) {
        try {
            String ascii = IDN.toASCII(domain.toLowerCase(Locale.ROOT), IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
            return DOMAIN.matcher(ascii).matches() ? Optional.of(ascii) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    public static boolean validSelector(String selector) {
        return selector.length() <= 253 && SELECTOR.matcher(selector).matches();
    }

    /** Every key of every domain, by domain, then creation. */
    public List<StoredKey> list() throws IOException {
        List<StoredKey> keys = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return keys;
        }
        try (DirectoryStream<Path> domains = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path domain : domains) {
                try (DirectoryStream<Path> states = Files.newDirectoryStream(domain, "*.state")) {
                    for (Path state : states) {
                        String name = state.getFileName().toString();
                        keys.add(read(domain.getFileName().toString(), name.substring(0, name.length() - ".state".length())));
                    }
                }
            }
        }
        keys.sort(Comparator.comparing(StoredKey::domain).thenComparing(StoredKey::created).thenComparing(StoredKey::selector));
        return keys;
    }

    public Optional<StoredKey> find(String domain, String selector) throws IOException {
        return Files.exists(state(domain, selector)) ? Optional.of(read(domain, selector)) : Optional.empty();
    }

    /** Files a new key, pending. */
    public StoredKey add(String domain, String selector, DkimKey key, Instant now) throws IOException {
        if (Files.exists(state(domain, selector))) {
            throw new IOException("a key " + selector + " of " + domain + " exists already");
        }
        Path directory = root.resolve(domain);
        Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        replace(directory.resolve(selector + ".pem"), key.pem());
        StoredKey stored = new StoredKey(domain, selector, key.algorithm(), Stage.PENDING, key.publicKeyBase64(), now, now, Optional.of(key));
        write(stored);
        return stored;
    }

    /** Moves a key to {@code stage}; retired, its private key is deleted. */
    public StoredKey move(StoredKey key, Stage stage, Instant now) throws IOException {
        StoredKey moved = new StoredKey(key.domain(), key.selector(), key.algorithm(), stage, key.publicKey(), key.created(), now,
                stage == Stage.RETIRED ? Optional.empty() : key.key());
        write(moved);
        if (stage == Stage.RETIRED) {
            Files.deleteIfExists(root.resolve(key.domain()).resolve(key.selector() + ".pem"));
        }
        return moved;
    }

    private Path state(String domain, String selector) {
        return root.resolve(domain).resolve(selector + ".state");
    }

    private void write(StoredKey key) throws IOException {
        replace(state(key.domain(), key.selector()), "algorithm=" + key.algorithm().keyType() + "\nstage=" + key.stage().label()
                + "\ncreated=" + key.created() + "\nchanged=" + key.changed() + "\npublic=" + key.publicKey() + "\n");
    }

    private StoredKey read(String domain, String selector) throws IOException {
        Path file = state(domain, selector);
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            int equals = line.indexOf('=');
            if (equals > 0) {
                values.put(line.substring(0, equals), line.substring(equals + 1));
            }
        }
        try {
            DkimAlgorithm algorithm = DkimAlgorithm.ofKeyType(values.getOrDefault("algorithm", ""))
                    .orElseThrow(() -> new IOException("no algorithm=rsa or algorithm=ed25519"));
            Stage stage = Stage.valueOf(values.getOrDefault("stage", "").toUpperCase(Locale.ROOT));
            Path pem = root.resolve(domain).resolve(selector + ".pem");
            Optional<DkimKey> key = stage == Stage.RETIRED ? Optional.empty()
                    : Optional.of(DkimKey.fromPem(Files.readString(pem, StandardCharsets.US_ASCII)));
            if (key.isPresent() && !key.get().publicKeyBase64().equals(values.get("public"))) {
                throw new IOException(pem + " is not the key whose public half the state file holds");
            }
            return new StoredKey(domain, selector, algorithm, stage, values.getOrDefault("public", ""), Instant.parse(values.get("created")),
                    Instant.parse(values.get("changed")), key);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IOException(file + ": unreadable key: " + e.getMessage(), e);
        }
    }

    /** Writes a small file 0600 under a temporary name, then renames it over the old one. */
    private static void replace(Path file, String text) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temporary);
        Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(temporary, text, StandardCharsets.UTF_8);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
