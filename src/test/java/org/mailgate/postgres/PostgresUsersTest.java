package org.mailgate.postgres;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.mailgate.auth.UserStore;
import org.mailgate.auth.UserStoreContract;
import org.mailgate.testing.PostgresDatabase;

/** The users in a real PostgreSQL: the contract every user store keeps. */
class PostgresUsersTest extends UserStoreContract {
    @RegisterExtension static final PostgresDatabase postgres = new PostgresDatabase(true);

    @Override
    protected UserStore open() {
        return new PostgresUsers(postgres.database());
    }
}
