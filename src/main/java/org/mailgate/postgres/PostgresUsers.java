package org.mailgate.postgres;

import java.io.IOException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.mailgate.auth.User;
import org.mailgate.auth.UserStore;

/**
 * The users and aliases in the shared database: what the user file holds, as rows, so `mailgate
 * user ...` on any node changes them for all. A change reads the whole set under the version
 * row's lock, applies the change and writes only the rows that differ, in one transaction.
 */
public final class PostgresUsers implements UserStore {
    private static final String SELECT = "SELECT address, password_hash, aliases, any_sender FROM mail_user ORDER BY address";

    private final Database database;

    public PostgresUsers(Database database) {
        this.database = database;
    }

    @Override
    public List<User> read() throws IOException {
        return Statements.query(database, SELECT, statement -> {}, PostgresUsers::user, "read the users");
    }

    private static User user(ResultSet row) throws SQLException {
        return new User(row.getString(1), row.getString(2), Arrays.asList((String[]) row.getArray(3).getArray()), row.getBoolean(4));
    }

    @Override
    public void update(UnaryOperator<List<User>> change) throws IOException {
        try (Connection c = database.connection()) {
            try {
                try (Statement s = c.createStatement()) {
                    s.execute("SELECT version FROM user_version FOR UPDATE");
                }
                List<User> before = new ArrayList<>();
                try (Statement s = c.createStatement(); ResultSet rows = s.executeQuery(SELECT)) {
                    while (rows.next()) {
                        before.add(user(rows));
                    }
                }
                write(c, before, change.apply(new ArrayList<>(before)));
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw Statements.failed("change the users", e);
        }
    }

    private static void write(Connection c, List<User> before, List<User> after) throws SQLException {
        Map<String, User> old = new HashMap<>();
        before.forEach(u -> old.put(u.address(), u));
        try (PreparedStatement upsert = c.prepareStatement("INSERT INTO mail_user (address, password_hash, aliases, any_sender)"
                + " VALUES (?, ?, ?, ?) ON CONFLICT (address) DO UPDATE SET password_hash = excluded.password_hash,"
                + " aliases = excluded.aliases, any_sender = excluded.any_sender");
                PreparedStatement delete = c.prepareStatement("DELETE FROM mail_user WHERE address = ?")) {
            for (User user : after) {
                if (!user.equals(old.remove(user.address()))) {
                    Array aliases = c.createArrayOf("text", user.aliases().toArray());
                    upsert.setString(1, user.address());
                    upsert.setString(2, user.passwordHash());
                    upsert.setArray(3, aliases);
                    upsert.setBoolean(4, user.anySender());
                    upsert.addBatch();
                }
            }
            for (String gone : old.keySet()) {
                delete.setString(1, gone);
                delete.addBatch();
            }
            upsert.executeBatch();
            delete.executeBatch();
        }
        try (Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE user_version SET version = version + 1");
        }
    }

    @Override
    public Object version() throws IOException {
        return Statements.query(database, "SELECT version FROM user_version", statement -> {}, row -> row.getLong(1), "read the users")
                .getFirst();
    }

    @Override
    public String describe() {
        return "the database's mail_user table";
    }
}
