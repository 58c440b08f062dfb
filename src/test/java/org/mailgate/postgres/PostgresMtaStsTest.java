package org.mailgate.postgres;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.mailgate.delivery.tls.MtaStsStore;
import org.mailgate.delivery.tls.MtaStsStoreContract;
import org.mailgate.testing.PostgresDatabase;

/** MTA-STS policies in a real PostgreSQL: the contract every MTA-STS store keeps, so what one node fetched another meets. */
class PostgresMtaStsTest extends MtaStsStoreContract {
    @RegisterExtension static final PostgresDatabase postgres = new PostgresDatabase(true);

    @Override
    protected MtaStsStore open() {
        return new PostgresMtaSts(postgres.database());
    }
}
