package org.mailgate.mailauth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The running server's view of the key files: active keys only, RSA first, read again when they change, the last good kept. */
class DkimKeyRingTest {
    @TempDir
    Path data;

    @Test
    @DisplayName("only active keys sign, RSA before Ed25519; an activation is seen at the next refresh; a broken file keeps the keys in use")
    void followsTheKeyFiles() throws Exception {
        DkimKeyStore store = new DkimKeyFiles(data);
        Instant now = Instant.parse("2026-12-02T10:00:00Z");
        store.move(store.add("example.com", "e", DkimKey.generate(DkimAlgorithm.ED25519_SHA256), now),
                DkimKeyStore.Stage.ACTIVE, now);
        DkimKeyStore.StoredKey rsa = store.add("example.com", "r", DkimKey.generate(DkimAlgorithm.RSA_SHA256), now);
        DkimKeyRing ring = new DkimKeyRing(store);
        assertThat(ring.active("example.com")).extracting(SigningKey::selector).containsExactly("e");

        store.move(rsa, DkimKeyStore.Stage.ACTIVE, now);
        ring.refresh();
        assertThat(ring.active("example.com")).extracting(SigningKey::selector).containsExactly("r", "e");
        assertThat(ring.active("other.example")).isEmpty();

        Files.writeString(data.resolve("dkim/example.com/e.pem"), "-----BEGIN PRIVATE KEY-----\ngarbage\n-----END PRIVATE KEY-----\n");
        ring.refresh();
        assertThat(ring.active("example.com")).extracting(SigningKey::selector).containsExactly("r", "e");
    }
}
