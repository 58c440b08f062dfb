package org.mailgate.testing;

import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.mailgate.config.StorageConfig;
import org.mailgate.postgres.Database;
import org.mailgate.postgres.Schema;

/**
 * A private PostgreSQL for one test class ({@code @RegisterExtension static}): started before its
 * tests, each test on an empty schema (migrated, unless the test migrates it itself), stopped after.
 */
public final class PostgresDatabase implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {
    private final boolean migrate;
    private PostgresServer server;
    private Database database;

    /** @param migrate whether each test starts on the current schema, or on none at all */
    public PostgresDatabase(boolean migrate) {
        this.migrate = migrate;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        server = PostgresServer.start();
        database = Database.open(storage(), "test");
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        try (Connection c = server.connect(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA public CASCADE");
            s.execute("CREATE SCHEMA public");
        }
        if (migrate) {
            Schema.migrate(database);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (database != null) {
            database.close();
        }
        if (server != null) {
            server.close();
        }
    }

    public PostgresServer server() {
        return server;
    }

    public Database database() {
        return database;
    }

    /** [storage] for this database, as a node's config has it. */
    public StorageConfig storage() {
        return new StorageConfig(StorageConfig.Kind.POSTGRES, server.url(), PostgresServer.USER, PostgresServer.PASSWORD, "", 8, null);
    }
}
