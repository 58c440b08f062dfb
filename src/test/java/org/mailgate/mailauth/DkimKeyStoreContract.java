package org.mailgate.mailauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mailgate.mailauth.DkimKeyStore.Stage;
import org.mailgate.mailauth.DkimKeyStore.StoredKey;

/** What every {@link DkimKeyStore} does, whatever holds the keys: the data directory's files and the database run these same tests. */
public abstract class DkimKeyStoreContract {
    /** A store over this test's keys, the same ones on each call (another process's view). */
    protected abstract DkimKeyStore open() throws Exception;

    private static final Instant NOW = Instant.parse("2026-12-04T10:00:00Z");
    private static final DkimKey RSA = DkimKey.generate(DkimAlgorithm.RSA_SHA256);
    private static final DkimKey ED25519 = DkimKey.generate(DkimAlgorithm.ED25519_SHA256);

    @Test
    @DisplayName("a key reads back from another opening, pending, with its public half, dates and a private key that signs alike")
    void roundTrip() throws Exception {
        assertThat(open().list()).isEmpty();
        StoredKey added = open().add("example.com", "20261204-rsa", RSA, NOW);
        StoredKey read = open().find("example.com", "20261204-rsa").orElseThrow();
        assertThat(read.stage()).isEqualTo(Stage.PENDING);
        assertThat(read.algorithm()).isEqualTo(DkimAlgorithm.RSA_SHA256);
        assertThat(read.publicKey()).isEqualTo(added.publicKey()).isEqualTo(RSA.publicKeyBase64());
        assertThat(read.created()).isEqualTo(NOW);
        assertThat(read.changed()).isEqualTo(NOW);
        assertThat(read.key().orElseThrow().pem()).isEqualTo(RSA.pem());
        assertThat(read.record()).startsWith("v=DKIM1; k=rsa; p=");
        assertThat(open().find("example.com", "other")).isEmpty();
    }

    @Test
    @DisplayName("a selector is filed once per domain; keys list by domain, then age")
    void uniqueAndOrdered() throws Exception {
        open().add("example.org", "b", ED25519, NOW);
        open().add("example.com", "late", RSA, NOW.plusSeconds(60));
        open().add("example.com", "early", ED25519, NOW);
        assertThatThrownBy(() -> open().add("example.com", "early", RSA, NOW)).isInstanceOf(IOException.class).hasMessageContaining("exists already");
        assertThat(open().list()).extracting(k -> k.domain() + " " + k.selector()).containsExactly("example.com early", "example.com late", "example.org b");
    }

    @Test
    @DisplayName("pending -> active -> retiring -> retired; retired, the private key is gone; each change moves the version and the ring follows")
    void lifecycle() throws Exception {
        DkimKeyRing ring = new DkimKeyRing(open());
        Object before = open().version();
        StoredKey key = open().add("example.com", "s1", ED25519, NOW);
        assertThat(open().version()).isNotEqualTo(before);
        assertThat(ring.active("example.com")).isEmpty();
        StoredKey active = open().move(key, Stage.ACTIVE, NOW.plusSeconds(1));
        awaitRefresh(ring, 1);
        assertThat(ring.active("example.com")).extracting(SigningKey::selector).containsExactly("s1");
        open().move(active, Stage.RETIRING, NOW.plusSeconds(2));
        awaitRefresh(ring, 0);
        StoredKey retired = open().move(open().find("example.com", "s1").orElseThrow(), Stage.RETIRED, NOW.plusSeconds(3));
        assertThat(retired.key()).isEmpty();
        StoredKey read = open().find("example.com", "s1").orElseThrow();
        assertThat(read.stage()).isEqualTo(Stage.RETIRED);
        assertThat(read.key()).as("the private key is deleted").isEmpty();
        assertThat(read.changed()).isEqualTo(NOW.plusSeconds(3));
        assertThat(read.publicKey()).as("the public half stays, to unpublish").isEqualTo(ED25519.publicKeyBase64());
    }

    /** A file's stamp has a clock's resolution: a refresh within it may see nothing, the next sees the change. */
    private static void awaitRefresh(DkimKeyRing ring, int active) throws InterruptedException {
        for (int i = 0; i < 50 && ring.active("example.com").size() != active; i++) {
            ring.refresh();
            Thread.sleep(20);
        }
        assertThat(ring.active("example.com")).hasSize(active);
    }
}
