package org.mailgate.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private PostgreSQL for tests, from Debian's packages: a cluster of its own (initdb) in a
 * temporary directory, on a free loopback port, with password (SCRAM) logins, a database
 * "mailgate" and its owner "mailgate". Run as root, the server runs as the postgres user, which
 * owns the directory; otherwise as the user running the tests.
 */
public final class PostgresServer implements AutoCloseable {
    public static final String DATABASE = "mailgate";
    public static final String USER = "mailgate";
    public static final String PASSWORD = "pg-test-password";

    private final Path bin;
    private final Path dir;
    private final boolean asPostgres;
    private final int port;

    private PostgresServer(Path bin, Path dir, boolean asPostgres, int port) {
        this.bin = bin;
        this.dir = dir;
        this.asPostgres = asPostgres;
        this.port = port;
    }

    /** The newest installed PostgreSQL's programs (Debian: /usr/lib/postgresql/VERSION/bin). */
    static Path bin() throws IOException {
        Path versions = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(versions)) {
            throw new IllegalStateException("PostgreSQL is missing: tests/install-test-deps.sh installs Debian's postgresql");
        }
        try (Stream<Path> installed = Files.list(versions)) {
            return installed.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
                    .max(Comparator.comparing(b -> Integer.parseInt(b.getParent().getFileName().toString().replaceAll("\\D", "0"))))
                    .orElseThrow(() -> new IllegalStateException("no initdb under /usr/lib/postgresql: install Debian's postgresql"));
        }
    }

    public static PostgresServer start() throws Exception {
        Path bin = bin();
        boolean root = "root".equals(System.getProperty("user.name"));
        // Not under a JUnit @TempDir: that is private to root, and the postgres user must reach its cluster.
        Path dir = Files.createTempDirectory("mailgate-pg-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path password = Files.writeString(dir.resolve("password"), PASSWORD + "\n");
        if (root) {
            run(List.of("chown", "-R", "postgres:postgres", dir.toString()), false);
        }
        run(List.of(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", USER, "--auth=scram-sha-256",
                "--pwfile=" + password, "-E", "UTF8", "--no-sync", "--locale=C"), root);
        for (int attempt = 1; ; attempt++) {
            int port = freePort();
            PostgresServer server = new PostgresServer(bin, dir, root, port);
            try {
                server.startServer();
                server.createDatabase();
                return server;
            } catch (IOException | SQLException e) {
                server.stopServer();
                if (attempt == 5) {
                    server.delete();
                    throw e;
                }
            }
        }
    }

    public String url() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    public int port() {
        return port;
    }

    /** A connection as the database's owner. */
    public Connection connect() throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", USER);
        properties.setProperty("password", PASSWORD);
        return DriverManager.getConnection(url(), properties);
    }

    /** Stops the server (fast: sessions are ended); {@link #resume()} starts it again on the same port. */
    public void pause() throws IOException, InterruptedException {
        stopServer();
    }

    public void resume() throws IOException, InterruptedException {
        startServer();
    }

    private void startServer() throws IOException, InterruptedException {
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-l", dir.resolve("server.log").toString(), "-w", "-t", "30",
                "-o", "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=" + dir + " -c max_connections=200", "start"),
                asPostgres);
    }

    /** Stops the server when it runs (a start that failed left no postmaster.pid). */
    private void stopServer() throws IOException, InterruptedException {
        if (Files.exists(dir.resolve("data/postmaster.pid"))) {
            run(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "fast", "-w", "stop"), asPostgres);
        }
    }

    private void createDatabase() throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", USER);
        properties.setProperty("password", PASSWORD);
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", properties);
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + DATABASE);
        }
    }

    private static void run(List<String> command, boolean asPostgres) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        if (asPostgres) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        Process process = new ProcessBuilder(full).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + " failed: " + output.strip());
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private void delete() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            stopServer();
        } finally {
            delete();
        }
    }
}
