package org.mailgate.policy;

import java.io.IOException;
import java.util.List;
import java.util.function.UnaryOperator;
import org.mailgate.policy.BanList.Ban;

/** Where the bans live: the data directory's ban file, or a database every node shares. */
public interface BanStore {
    /** Every ban stored, in force or ended. */
    List<Ban> read() throws IOException;

    /** Applies {@code change} to the bans, no other change in between, and stores the result whole. */
    void update(UnaryOperator<List<Ban>> change) throws IOException;

    /** Differs from its last value whenever the bans changed, by any process: the running server reads them again. */
    Object version() throws IOException;
}
