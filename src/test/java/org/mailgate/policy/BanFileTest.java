package org.mailgate.policy;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The ban file: the contract every ban store keeps. */
class BanFileTest extends BanStoreContract {
    @TempDir Path dataDir;

    @Override
    protected BanStore open() {
        return new BanFile(dataDir);
    }
}
