package org.mailgate.postgres;

import java.io.IOException;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.mailgate.spool.SpoolUnavailable;

/** One statement in a transaction of its own, and what its failure means: the plumbing every table here shares. */
final class Statements {
    private Statements() {}

    @FunctionalInterface
    interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    /** What one row of a result is. */
    @FunctionalInterface
    interface Row<T> {
        T map(ResultSet row) throws SQLException;
    }

    /**
     * The rows of a query, each mapped. In autocommit, so the query is one round trip, not a
     * BEGIN, the query and a COMMIT (the pool puts autocommit back off when the connection returns).
     */
    static <T> List<T> query(Database database, String sql, Binder binder, Row<T> row, String what) throws IOException {
        try (Connection c = database.connection(); PreparedStatement statement = c.prepareStatement(sql)) {
            c.setAutoCommit(true);
            binder.bind(statement);
            List<T> rows = new ArrayList<>();
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    rows.add(row.map(result));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw failed(what, e);
        }
    }

    /** @param durable false: committed without waiting for the WAL flush (what a database crash may lose harmlessly) */
    static int update(Database database, String sql, Binder binder, boolean durable, String what) throws IOException {
        try (Connection c = database.connection(); PreparedStatement statement = c.prepareStatement(sql)) {
            try {
                if (!durable) {
                    asynchronousCommit(c);
                }
                binder.bind(statement);
                int count = statement.executeUpdate();
                c.commit();
                return count;
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw failed(what, e);
        }
    }

    /**
     * A row that holds what no Mailgate writes (changed by hand, say): the row's error (SQLState
     * 22000, data exception), never taken for a database that is down.
     */
    static SQLException badRow(String message) {
        return new SQLException(message, "22000");
    }

    /** The constant a text column names; another value is {@link #badRow}. */
    static <E extends Enum<E>> E named(Class<E> type, String value, String column) throws SQLException {
        try {
            return Enum.valueOf(type, value);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw badRow(column + " holds \"" + value + "\", which is none of " + Arrays.toString(type.getEnumConstants()));
        }
    }

    static void asynchronousCommit(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SET LOCAL synchronous_commit TO OFF");
        }
    }

    /**
     * The reason, without the statement: a batch's failure names the first row's SQL with its
     * values (a whole envelope), which is for no log; the cause behind it says what happened.
     */
    static String describe(SQLException e) {
        SQLException reason = e instanceof BatchUpdateException && e.getNextException() != null ? e.getNextException() : e;
        return reason.getMessage();
    }

    /**
     * A database that is down, restarting or out of connections is unavailable: a connection
     * error (SQLState class 08), an operator's shutdown (57), no resources (53), the pool's
     * timeout, or a connection the pool found closed (no SQLState at all); anything else is this
     * statement's failure.
     */
    static IOException failed(String what, SQLException e) {
        String state = e.getSQLState();
        boolean unavailable = e instanceof SQLTransientException || e instanceof SQLRecoverableException || state == null
                || state.startsWith("08") || state.startsWith("57") || state.startsWith("53");
        String message = "the database cannot " + what + ": " + describe(e);
        return unavailable ? new SpoolUnavailable(message, e) : new IOException(message, e);
    }
}
