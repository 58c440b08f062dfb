package org.mailgate.delivery.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What every {@link MtaStsStore} does, under the cache: the files and the database run these same tests. */
public abstract class MtaStsStoreContract {
    /** A store over this test's policies, the same ones on each call (after a restart, or on another node). */
    protected abstract MtaStsStore open() throws Exception;

    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    private static final MtaSts.Policy POLICY = new MtaSts.Policy("20261125", MtaSts.Mode.ENFORCE, List.of("mx.example.com", "*.example.net"),
            NOW.plusSeconds(3600));

    @Test
    @DisplayName("RFC 8461 5.1: a cached policy outlives a restart until it expires, so a blocked fetch cannot downgrade")
    void outlivesARestart() throws Exception {
        new MtaStsCache(open()).put("example.com", POLICY);
        MtaStsCache afterRestart = new MtaStsCache(open());
        assertThat(afterRestart.get("example.com", NOW)).contains(POLICY);
        assertThat(afterRestart.get("example.com", NOW.plusSeconds(3601))).isEmpty();
        assertThat(new MtaStsCache(open()).get("other.example", NOW)).isEmpty();
    }

    @Test
    @DisplayName("a policy stored elsewhere (another node) is met within a minute of 'none'; a newer one replaces it")
    void storedElsewhere() throws Exception {
        MtaStsCache here = new MtaStsCache(open());
        assertThat(here.get("example.com", NOW)).isEmpty();
        new MtaStsCache(open()).put("example.com", POLICY);
        assertThat(here.get("example.com", NOW.plusSeconds(10))).as("'none' is believed for a minute").isEmpty();
        assertThat(here.get("example.com", NOW.plusSeconds(61))).contains(POLICY);
        MtaSts.Policy next = new MtaSts.Policy("20261205", MtaSts.Mode.TESTING, List.of("mx2.example.com"), NOW.plusSeconds(7200));
        new MtaStsCache(open()).put("example.com", next);
        assertThat(new MtaStsCache(open()).get("example.com", NOW)).contains(next);
    }
}
