package org.mailgate.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import org.mailgate.config.StorageConfig;

/**
 * The connections to the shared database ([storage] kind = "postgres"): a HikariCP pool of
 * at most pool-size, each session with synchronous_commit on (a commit returns once the WAL
 * is on disk, or on the synchronous standby where one is configured), so a message committed
 * before its 250 survives a crash of the database as of the server.
 */
public final class Database implements AutoCloseable {
    private final HikariDataSource pool;

    private Database(HikariDataSource pool) {
        this.pool = pool;
    }

    /** Opens the pool and checks one connection, so a wrong URL or password is said at start. */
    public static Database open(StorageConfig storage, String node) throws IOException {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(storage.url());
        config.setUsername(storage.user());
        if (storage.password() != null) {
            config.setPassword(storage.password());
        }
        config.setMaximumPoolSize(storage.poolSize());
        config.setMinimumIdle(Math.min(2, storage.poolSize()));
        config.setPoolName("mailgate-db");
        config.setConnectionTimeout(5_000);
        config.setValidationTimeout(2_000);
        config.setAutoCommit(false);
        config.setInitializationFailTimeout(5_000);
        config.addDataSourceProperty("ApplicationName", "mailgate " + node);
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        config.addDataSourceProperty("connectTimeout", "5");
        config.addDataSourceProperty("socketTimeout", "60");
        config.setConnectionInitSql("SET synchronous_commit = on");
        try {
            return new Database(new HikariDataSource(config));
        } catch (HikariPool.PoolInitializationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IOException("cannot connect to " + storage.url() + " as " + storage.user() + ": " + cause.getMessage(), e);
        }
    }

    /** A connection from the pool, autocommit off: the caller commits. */
    public Connection connection() throws SQLException {
        return pool.getConnection();
    }

    @Override
    public void close() {
        pool.close();
    }
}
