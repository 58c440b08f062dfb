package org.mailgate.mailauth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
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
import java.util.stream.Stream;

/**
 * The DKIM keys of the data directory: {@code dkim/DOMAIN/SELECTOR.pem} (the private key,
 * PKCS#8, 0600) and {@code SELECTOR.state} (its stage, algorithm, public key and dates). Files
 * are replaced by rename, so the running server never reads half a file.
 */
public final class DkimKeyFiles implements DkimKeyStore {
    private final Path root;

    public DkimKeyFiles(Path dataDir) {
        this.root = dataDir.resolve("dkim");
    }

    public Path root() {
        return root;
    }

    @Override
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

    @Override
    public Optional<StoredKey> find(String domain, String selector) throws IOException {
        return Files.exists(state(domain, selector)) ? Optional.of(read(domain, selector)) : Optional.empty();
    }

    @Override
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

    @Override
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

    /** Every key file's name, size and modification time: changes when any is added, replaced or removed. */
    @Override
    public Object version() throws IOException {
        if (!Files.isDirectory(root)) {
            return "";
        }
        try (Stream<Path> files = Files.walk(root, 2)) {
            StringBuilder stamp = new StringBuilder();
            for (Path file : files.sorted().toList()) {
                BasicFileAttributes a;
                try {
                    a = Files.readAttributes(file, BasicFileAttributes.class);
                } catch (NoSuchFileException renamed) {
                    continue; // a temporary file renamed over its key while we looked: the next look sees the result
                }
                stamp.append(root.relativize(file)).append(' ').append(a.size()).append(' ').append(a.lastModifiedTime()).append(' ')
                        .append(a.fileKey()).append('\n');
            }
            return stamp.toString();
        }
    }
}
