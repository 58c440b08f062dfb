package org.mailgate.postgres;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * A small table the admin and every node change as one set (the users, the bans), with a version
 * row beside it that each change bumps and the servers poll. A change reads the whole set under
 * the version row's lock, applies the change, and writes only the rows that differ, in one
 * transaction: as the file it replaces, never half a change. The stores built on it extend it,
 * so its read, update and version are theirs.
 */
class VersionedTable<T> {
    /** Binds a row's values to the upsert's parameters, in {@code columns} order. */
    @FunctionalInterface
    interface Writer<T> {
        void bind(Connection c, PreparedStatement upsert, T row) throws SQLException;
    }

    private final Database database;
    private final String table;
    private final String versionTable;
    private final String key;
    private final String select;
    private final String upsert;
    private final Statements.Row<T> reader;
    private final Function<T, String> keyOf;
    private final Writer<T> writer;
    private final String what;

    /**
     * @param columns the key column first, then the others; {@code reader} maps them in this order
     * @param what what the failure message says could not be done ("change the users")
     */
    VersionedTable(Database database, String table, String versionTable, List<String> columns, Statements.Row<T> reader, Function<T, String> keyOf,
            Writer<T> writer, String what) {
        this.database = database;
        this.table = table;
        this.versionTable = versionTable;
        this.key = columns.getFirst();
        this.select = "SELECT " + String.join(", ", columns) + " FROM " + table + " ORDER BY " + key;
        List<String> updates = columns.subList(1, columns.size()).stream().map(c -> c + " = excluded." + c).toList();
        this.upsert = "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES ("
                + String.join(", ", columns.stream().map(c -> "?").toList()) + ") ON CONFLICT (" + key + ") DO UPDATE SET "
                + String.join(", ", updates);
        this.reader = reader;
        this.keyOf = keyOf;
        this.writer = writer;
        this.what = what;
    }

    public List<T> read() throws IOException {
        return Statements.query(database, select, statement -> {}, reader, "read the " + table + " table");
    }

    public void update(UnaryOperator<List<T>> change) throws IOException {
        try (Connection c = database.connection()) {
            try {
                try (Statement s = c.createStatement()) {
                    s.execute("SELECT version FROM " + versionTable + " FOR UPDATE");
                }
                List<T> before = new ArrayList<>();
                try (Statement s = c.createStatement(); ResultSet rows = s.executeQuery(select)) {
                    while (rows.next()) {
                        before.add(reader.map(rows));
                    }
                }
                write(c, before, change.apply(new ArrayList<>(before)));
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw Statements.failed(what, e);
        }
    }

    private void write(Connection c, List<T> before, List<T> after) throws SQLException {
        Map<String, T> old = new HashMap<>();
        before.forEach(row -> old.put(keyOf.apply(row), row));
        try (PreparedStatement upserts = c.prepareStatement(upsert);
                PreparedStatement deletes = c.prepareStatement("DELETE FROM " + table + " WHERE " + key + " = ?")) {
            for (T row : after) {
                if (!row.equals(old.remove(keyOf.apply(row)))) {
                    writer.bind(c, upserts, row);
                    upserts.addBatch();
                }
            }
            for (String gone : old.keySet()) {
                deletes.setString(1, gone);
                deletes.addBatch();
            }
            upserts.executeBatch();
            deletes.executeBatch();
        }
        try (Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE " + versionTable + " SET version = version + 1");
        }
    }

    public Object version() throws IOException {
        return Statements.query(database, "SELECT version FROM " + versionTable, statement -> {}, row -> row.getLong(1),
                "read the " + table + " table").getFirst();
    }
}
