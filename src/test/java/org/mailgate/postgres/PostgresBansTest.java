package org.mailgate.postgres;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.mailgate.policy.BanStore;
import org.mailgate.policy.BanStoreContract;
import org.mailgate.testing.PostgresDatabase;

/** The bans in a real PostgreSQL: the contract every ban store keeps. */
class PostgresBansTest extends BanStoreContract {
    @RegisterExtension static final PostgresDatabase postgres = new PostgresDatabase(true);

    @Override
    protected BanStore open() {
        return new PostgresBans(postgres.database());
    }
}
