package org.mailgate.auth;

import java.io.IOException;
import java.util.List;
import java.util.function.UnaryOperator;

/** Where the users live: the data directory's user file, or a database every node shares. */
public interface UserStore {
    List<User> read() throws IOException;

    /** Applies {@code change} to the users, no other change in between, and stores the result whole. */
    void update(UnaryOperator<List<User>> change) throws IOException;

    /** Differs from its last value whenever the users changed, by any process: the running server reads them again. */
    Object version() throws IOException;

    /** Where they are, for the admin. */
    String describe();
}
