package org.mailgate.postgres;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import org.mailgate.auth.User;
import org.mailgate.auth.UserStore;

/**
 * The users and aliases in the shared database: what the user file holds, as rows, so `mailgate
 * user ...` on any node changes them for all.
 */
public final class PostgresUsers extends VersionedTable<User> implements UserStore {
    public PostgresUsers(Database database) {
        super(database, "mail_user", "user_version", List.of("address", "password_hash", "aliases", "any_sender"),
                PostgresUsers::user, User::address, (c, upsert, user) -> {
                    upsert.setString(1, user.address());
                    upsert.setString(2, user.passwordHash());
                    upsert.setArray(3, c.createArrayOf("text", user.aliases().toArray()));
                    upsert.setBoolean(4, user.anySender());
                }, "change the users");
    }

    private static User user(ResultSet row) throws SQLException {
        return new User(row.getString(1), row.getString(2), Arrays.asList((String[]) row.getArray(3).getArray()), row.getBoolean(4));
    }

    @Override
    public String describe() {
        return "the database's mail_user table";
    }
}
