package org.mailgate.postgres;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.mailgate.mailauth.DkimKeyStore;
import org.mailgate.mailauth.DkimKeyStoreContract;
import org.mailgate.testing.PostgresDatabase;

/** The DKIM keys in a real PostgreSQL: the contract every DKIM key store keeps. */
class PostgresDkimKeysTest extends DkimKeyStoreContract {
    @RegisterExtension static final PostgresDatabase postgres = new PostgresDatabase(true);

    @Override
    protected DkimKeyStore open() {
        return new PostgresDkimKeys(postgres.database());
    }
}
