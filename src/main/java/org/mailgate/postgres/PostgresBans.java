package org.mailgate.postgres;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.List;
import org.mailgate.config.AddressRange;
import org.mailgate.policy.BanList.Ban;
import org.mailgate.policy.BanStore;

/** The bans in the shared database, so a client banned on one node (by the admin or by AutoBan) is refused by all. */
public final class PostgresBans extends VersionedTable<Ban> implements BanStore {
    public PostgresBans(Database database) {
        super(database, "ban", "ban_version", List.of("range", "until", "reason"), PostgresBans::ban,
                ban -> ban.range().toString(), (c, upsert, ban) -> {
                    upsert.setString(1, ban.range().toString());
                    if (ban.until() == null) {
                        upsert.setNull(2, Types.TIMESTAMP_WITH_TIMEZONE);
                    } else {
                        upsert.setTimestamp(2, Timestamp.from(ban.until()));
                    }
                    upsert.setString(3, ban.reason());
                }, "change the bans");
    }

    private static Ban ban(ResultSet row) throws SQLException {
        String text = row.getString(1);
        AddressRange range = AddressRange.parse(text).orElseThrow(() -> Statements.badRow("the ban table holds \"" + text + "\", not an address range"));
        Timestamp until = row.getTimestamp(2);
        return new Ban(range, until == null ? null : until.toInstant(), row.getString(3));
    }
}
