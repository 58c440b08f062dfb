package org.mailgate.mailauth;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The keys as files in the data directory: the contract every DKIM key store keeps. */
class DkimKeyFilesTest extends DkimKeyStoreContract {
    @TempDir Path dataDir;

    @Override
    protected DkimKeyStore open() {
        return new DkimKeyFiles(dataDir);
    }
}
