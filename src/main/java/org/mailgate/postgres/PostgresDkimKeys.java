package org.mailgate.postgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.mailgate.mailauth.DkimAlgorithm;
import org.mailgate.mailauth.DkimKey;
import org.mailgate.mailauth.DkimKeyStore;

/**
 * The DKIM keys in the shared database, so `mailgate dkim ...` on any node changes the keys every
 * node signs with. The private key is a PEM column until the key is retired, then NULL: whoever
 * may read this table may sign as the domains, as whoever may read the data directory's key files.
 */
public final class PostgresDkimKeys implements DkimKeyStore {
    private final VersionedTable<StoredKey> table;

    public PostgresDkimKeys(Database database) {
        this.table = new VersionedTable<>(database, "dkim_key", "dkim_key_version",
                List.of("record_name", "domain", "selector", "algorithm", "stage", "public_key", "created", "changed", "private_pem"),
                PostgresDkimKeys::key, StoredKey::recordName, (c, upsert, key) -> {
                    upsert.setString(1, key.recordName());
                    upsert.setString(2, key.domain());
                    upsert.setString(3, key.selector());
                    upsert.setString(4, key.algorithm().keyType());
                    upsert.setString(5, key.stage().label());
                    upsert.setString(6, key.publicKey());
                    upsert.setTimestamp(7, Timestamp.from(key.created()));
                    upsert.setTimestamp(8, Timestamp.from(key.changed()));
                    upsert.setString(9, key.key().map(DkimKey::pem).orElse(null));
                }, "change the DKIM keys");
    }

    private static StoredKey key(ResultSet row) throws SQLException {
        String name = row.getString(1);
        String type = row.getString(4);
        DkimAlgorithm algorithm = DkimAlgorithm.ofKeyType(type).orElseThrow(() -> Statements.badRow(name + ": no algorithm rsa or ed25519 but \"" + type + "\""));
        String pem = row.getString(9);
        Optional<DkimKey> key;
        try {
            key = pem == null ? Optional.empty() : Optional.of(DkimKey.fromPem(pem));
        } catch (GeneralSecurityException e) {
            throw Statements.badRow(name + ": unreadable private key: " + e.getMessage());
        }
        if (key.isPresent() && !key.get().publicKeyBase64().equals(row.getString(6))) {
            throw Statements.badRow(name + ": the private key is not the one whose public half the row holds");
        }
        return new StoredKey(row.getString(2), row.getString(3), algorithm, Statements.named(Stage.class, row.getString(5).toUpperCase(Locale.ROOT), name + ": stage"),
                row.getString(6), row.getTimestamp(7).toInstant(), row.getTimestamp(8).toInstant(), key);
    }

    @Override
    public List<StoredKey> list() throws IOException {
        return table.read().stream()
                .sorted(Comparator.comparing(StoredKey::domain).thenComparing(StoredKey::created).thenComparing(StoredKey::selector)).toList();
    }

    @Override
    public Optional<StoredKey> find(String domain, String selector) throws IOException {
        return list().stream().filter(k -> k.domain().equals(domain) && k.selector().equals(selector)).findFirst();
    }

    @Override
    public StoredKey add(String domain, String selector, DkimKey key, Instant now) throws IOException {
        StoredKey stored = new StoredKey(domain, selector, key.algorithm(), Stage.PENDING, key.publicKeyBase64(), now, now, Optional.of(key));
        try {
            table.update(keys -> {
                if (keys.stream().anyMatch(k -> k.recordName().equals(stored.recordName()))) {
                    throw new UncheckedIOException(new IOException("a key " + selector + " of " + domain + " exists already"));
                }
                keys.add(stored);
                return keys;
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return stored;
    }

    @Override
    public StoredKey move(StoredKey key, Stage stage, Instant now) throws IOException {
        StoredKey moved = new StoredKey(key.domain(), key.selector(), key.algorithm(), stage, key.publicKey(), key.created(), now,
                stage == Stage.RETIRED ? Optional.empty() : key.key());
        table.update(keys -> {
            keys.replaceAll(k -> k.recordName().equals(moved.recordName()) ? moved : k);
            return keys;
        });
        return moved;
    }

    @Override
    public Object version() throws IOException {
        return table.version();
    }
}
