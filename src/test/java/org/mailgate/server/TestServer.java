package org.mailgate.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.mailgate.auth.PasswordHashes;
import org.mailgate.auth.User;
import org.mailgate.auth.UserFile;
import org.mailgate.cli.Mailgate;
import org.mailgate.config.AutoBanConfig;
import org.mailgate.config.DeliveryConfig;
import org.mailgate.config.Limits;
import org.mailgate.config.ListenerConfig;
import org.mailgate.config.ListenerKind;
import org.mailgate.config.LoginThrottleConfig;
import org.mailgate.config.MailgateConfig;
import org.mailgate.config.SendingLimitsConfig;
import org.mailgate.spool.FileSpool;
import org.mailgate.spool.QueuedMessage;

/**
 * A real server on loopback for integration tests: one listener of each kind on ports the
 * system picks, a self-signed certificate, and users alice (password "secret", alias
 * sales@example.com) and bob@example.org.
 */
final class TestServer implements AutoCloseable {
    static final Duration AUTH_FAILURE_DELAY = Duration.ofMillis(300);

    final Path dataDir;
    final Mailgate mailgate;
    final SmtpServer server;

    TestServer(Path dataDir) throws IOException {
        this(dataDir, Limits.DEFAULTS.with(Limits.AUTH_FAILURE_DELAY, AUTH_FAILURE_DELAY));
    }

    TestServer(Path dataDir, Limits limits) throws IOException {
        // Automatic bans off: test classes share a server and all connect from 127.0.0.1.
        this(dataDir, config -> config.withLimits(limits).withProtections(LoginThrottleConfig.DEFAULTS,
                SendingLimitsConfig.DEFAULTS, AutoBanConfig.DEFAULTS.with(AutoBanConfig.DURATION, Duration.ZERO), List.of()));
    }

    /** A server with the test users and listeners, and the config as {@code customize} makes it. */
    TestServer(Path dataDir, UnaryOperator<MailgateConfig> customize) throws IOException {
        this.dataDir = dataDir;
        PasswordHashes hashes = new PasswordHashes();
        new UserFile(dataDir).update(users -> {
            if (users.isEmpty()) {
                users.add(new User("alice@example.com", hashes.hash("secret"), List.of("sales@example.com"), false));
                users.add(new User("bob@example.org", hashes.hash("bobs-secret"), List.of(), false));
            }
            return users;
        });
        MailgateConfig config = new MailgateConfig("mx.test", dataDir, Set.of("example.net"), List.of(
                new ListenerConfig("127.0.0.1", 0, ListenerKind.SUBMISSION),
                new ListenerConfig("127.0.0.1", 0, ListenerKind.SUBMISSIONS),
                new ListenerConfig("127.0.0.1", 0, ListenerKind.INBOUND)), null, Limits.DEFAULTS.with(Limits.AUTH_FAILURE_DELAY, AUTH_FAILURE_DELAY));
        MailgateConfig customized = customize.apply(config); // accepts and queues: these tests read the queue
        mailgate = Mailgate.start(customized.withDelivery(customized.delivery().with(DeliveryConfig.ENABLED, false)), Clock.systemUTC());
        server = mailgate.server();
    }

    int port(ListenerKind kind) {
        return server.bound().stream().filter(b -> b.listener().kind() == kind).findFirst().orElseThrow().address().getPort();
    }

    Path certificate() {
        return dataDir.resolve("tls/self-signed-cert.pem");
    }

    List<QueuedMessage> queue() throws IOException {
        try (FileSpool spool = FileSpool.openReadOnly(dataDir)) {
            return spool.list();
        }
    }

    String content(String id) throws IOException {
        try (FileSpool spool = FileSpool.openReadOnly(dataDir)) {
            return new String(spool.content(id).readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    List<String> incomingFiles() throws IOException {
        try (var files = Files.list(dataDir.resolve("spool/incoming"))) {
            return files.map(p -> p.getFileName().toString()).toList();
        }
    }

    @Override
    public void close() {
        mailgate.shutdown(Duration.ofSeconds(1));
    }
}
