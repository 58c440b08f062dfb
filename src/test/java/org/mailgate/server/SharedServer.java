package org.mailgate.server;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** One {@link TestServer} for all tests of a class. */
abstract class SharedServer {
    @TempDir
    static Path dataDir;
    static TestServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = new TestServer(dataDir);
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }
}
