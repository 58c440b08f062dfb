package org.mailgate.delivery.tls;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The policies as files under the data directory: the contract every MTA-STS store keeps. */
class MtaStsFilesTest extends MtaStsStoreContract {
    @TempDir Path dataDir;

    @Override
    protected MtaStsStore open() {
        return new MtaStsFiles(dataDir.resolve("mta-sts"));
    }
}
