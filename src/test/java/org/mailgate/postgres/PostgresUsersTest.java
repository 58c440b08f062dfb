package org.mailgate.postgres;

import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.mailgate.auth.UserStore;
import org.mailgate.auth.UserStoreContract;
import org.mailgate.config.StorageConfig;
import org.mailgate.testing.PostgresServer;

/** The users in a real PostgreSQL: the contract every user store keeps. */
class PostgresUsersTest extends UserStoreContract {
    private static PostgresServer server;
    private static Database database;

    @BeforeAll
    static void startPostgres() throws Exception {
        server = PostgresServer.start();
        database = Database.open(new StorageConfig(StorageConfig.Kind.POSTGRES, server.url(), PostgresServer.USER, PostgresServer.PASSWORD, "", 8),
                "test");
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (database != null) {
            database.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void emptySchema() throws Exception {
        try (Connection c = server.connect(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA public CASCADE");
            s.execute("CREATE SCHEMA public");
        }
        Schema.migrate(database);
    }

    @Override
    protected UserStore open() {
        return new PostgresUsers(database);
    }
}
