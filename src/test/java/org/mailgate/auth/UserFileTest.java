package org.mailgate.auth;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The user file: the contract every user store keeps. */
class UserFileTest extends UserStoreContract {
    @TempDir Path dataDir;

    @Override
    protected UserStore open() {
        return new UserFile(dataDir);
    }
}
