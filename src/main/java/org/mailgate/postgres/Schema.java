package org.mailgate.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The database's tables, versioned: each migration is a numbered SQL file of this package,
 * applied once, in order, in one transaction with its row in mailgate_schema (PostgreSQL's DDL
 * is transactional, so a migration applies whole or not at all). Nodes starting together take
 * an advisory lock first: one migrates, the others then find nothing to do.
 */
public final class Schema {
    /** The migrations, in order; the version of each is its place in this list, from 1. */
    static final List<String> MIGRATIONS = List.of("001-queue.sql", "002-logins.sql", "003-users.sql", "004-shared-state.sql");
    private static final long LOCK = 0x6d61696c67617465L; // "mailgate"

    private Schema() {}

    /** What a database holds and what this version of Mailgate would apply. */
    public record Status(int version, int latest) {
        public boolean current() {
            return version == latest;
        }
    }

    public static Status status(Database database) throws SQLException {
        try (Connection c = database.connection()) {
            int version = version(c);
            c.commit();
            return new Status(version, MIGRATIONS.size());
        }
    }

    /** Applies the migrations the database lacks; returns the versions applied (none when current). */
    public static List<Integer> migrate(Database database) throws SQLException, IOException {
        try (Connection c = database.connection()) {
            try {
                try (Statement s = c.createStatement()) {
                    s.execute("SELECT pg_advisory_xact_lock(" + LOCK + ")");
                    s.execute("CREATE TABLE IF NOT EXISTS mailgate_schema (version integer PRIMARY KEY, name text NOT NULL,"
                            + " applied timestamptz NOT NULL DEFAULT now())");
                }
                int version = version(c);
                if (version > MIGRATIONS.size()) {
                    throw new IOException("the database is at schema version " + version + ", newer than this Mailgate knows ("
                            + MIGRATIONS.size() + "): run the newer Mailgate, or restore the database it had");
                }
                List<Integer> applied = new ArrayList<>();
                for (int next = version + 1; next <= MIGRATIONS.size(); next++) {
                    String name = MIGRATIONS.get(next - 1);
                    try (Statement s = c.createStatement()) {
                        s.execute(sql(name));
                    }
                    try (PreparedStatement insert = c.prepareStatement("INSERT INTO mailgate_schema (version, name) VALUES (?, ?)")) {
                        insert.setInt(1, next);
                        insert.setString(2, name);
                        insert.executeUpdate();
                    }
                    applied.add(next);
                }
                c.commit();
                return applied;
            } catch (SQLException | IOException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** 0 for a database never migrated. */
    private static int version(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet exists = s.executeQuery("SELECT to_regclass('mailgate_schema') IS NOT NULL")) {
            exists.next();
            if (!exists.getBoolean(1)) {
                return 0;
            }
        }
        try (Statement s = c.createStatement(); ResultSet max = s.executeQuery("SELECT coalesce(max(version), 0) FROM mailgate_schema")) {
            max.next();
            return max.getInt(1);
        }
    }

    private static String sql(String name) throws IOException {
        try (InputStream in = Schema.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("migration " + name + " is missing from the build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
