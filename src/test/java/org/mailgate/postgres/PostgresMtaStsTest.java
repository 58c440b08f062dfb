package org.mailgate.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mailgate.delivery.tls.MtaStsCache;
import org.mailgate.delivery.tls.MtaStsStore;
import org.mailgate.delivery.tls.MtaStsStoreContract;
import org.mailgate.spool.SpoolUnavailable;
import org.mailgate.testing.PostgresDatabase;

/** MTA-STS policies in a real PostgreSQL: the contract every MTA-STS store keeps, so what one node fetched another meets. */
class PostgresMtaStsTest extends MtaStsStoreContract {
    @RegisterExtension static final PostgresDatabase postgres = new PostgresDatabase(true);

    @Override
    protected MtaStsStore open() {
        return new PostgresMtaSts(postgres.database());
    }

    @Test
    @DisplayName("a row no Mailgate wrote (a mode changed by hand) is that row's error, named, not a database that is down; the cache skips it")
    void aBadRowIsItsOwnError() throws Exception {
        try (Connection c = postgres.database().connection(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO mta_sts_policy VALUES ('example.com', '1', 'SOMETIMES', '{mx.example.com}', now() + interval '1 day')");
            c.commit();
        }
        assertThatThrownBy(() -> open().load("example.com")).isInstanceOf(IOException.class).isNotInstanceOf(SpoolUnavailable.class)
                .hasMessageContaining("mta_sts_policy.mode holds \"SOMETIMES\", which is none of [ENFORCE, TESTING, NONE]");
        assertThat(new MtaStsCache(open()).get("example.com", Instant.now())).isEmpty();
    }
}
