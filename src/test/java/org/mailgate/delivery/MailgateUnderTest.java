package org.mailgate.delivery;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.mailgate.auth.PasswordHashes;
import org.mailgate.auth.User;
import org.mailgate.auth.UserFile;
import org.mailgate.cli.Mailgate;
import org.mailgate.config.DeliveryConfig;
import org.mailgate.config.Limits;
import org.mailgate.config.ListenerConfig;
import org.mailgate.config.ListenerKind;
import org.mailgate.config.MailgateConfig;
import org.mailgate.server.SmtpServer;
import org.mailgate.spool.FileSpool;
import org.mailgate.spool.QueuedMessage;
import org.mailgate.testing.KnotDns;

/**
 * A whole Mailgate for delivery tests: a submission listener on loopback, delivery running,
 * and the local user alice@example.com (password "secret") who submits with Jakarta Mail.
 */
final class MailgateUnderTest implements AutoCloseable {
    static final String ALICE = "alice@example.com";

    final Path dataDir;
    final MailgateConfig config;
    final Mailgate mailgate;
    final SmtpServer server;

    private MailgateUnderTest(Path dataDir, MailgateConfig config, boolean deliver) throws IOException {
        this.dataDir = dataDir;
        this.config = config;
        this.mailgate = Mailgate.start(deliver ? config : config.withDelivery(config.delivery().with(DeliveryConfig.ENABLED, false)),
                Clock.systemUTC());
        this.server = mailgate.server();
    }

    /** A Mailgate that only accepts and queues: an upstream whose queue the test reads. */
    static MailgateUnderTest acceptOnly(Path dataDir) throws IOException {
        addAlice(dataDir);
        MailgateConfig config = config(dataDir, DeliveryConfig.DEFAULTS);
        return new MailgateUnderTest(dataDir, config.withListeners(List.of(config.listeners().get(0),
                new ListenerConfig("127.0.0.1", 0, ListenerKind.SUBMISSIONS))), false);
    }

    /** Delivery as the tests want it by default: the given DNS, retries after a second, loopback literals allowed (every receiver is on loopback). */
    static DeliveryConfig testDelivery(KnotDns dns, int port) {
        return literalDelivery(port).with(DeliveryConfig.DNS_SERVERS, List.of(dns.server()))
                .with(DeliveryConfig.DNSSEC, DeliveryConfig.Dnssec.VALIDATE).with(DeliveryConfig.TRUST_ANCHORS, dns.trustAnchor());
    }

    /** Delivery to address literals only (no DNS asked), on this port, loopback literals allowed. */
    static DeliveryConfig literalDelivery(int port) {
        return DeliveryConfig.DEFAULTS.with(DeliveryConfig.PORT, port).with(DeliveryConfig.DNSSEC, DeliveryConfig.Dnssec.OFF)
                .with(DeliveryConfig.RETRY_FIRST, Duration.ofSeconds(1)).with(DeliveryConfig.RETRY_MAX, Duration.ofSeconds(2))
                .with(DeliveryConfig.CONNECT_TIMEOUT, Duration.ofSeconds(2)).with(DeliveryConfig.COMMAND_TIMEOUT, Duration.ofSeconds(10))
                .with(DeliveryConfig.ALLOW_PRIVATE_LITERALS, true);
    }

    static MailgateUnderTest start(Path dataDir, DeliveryConfig delivery) throws IOException {
        return start(dataDir, delivery, UnaryOperator.identity());
    }

    static MailgateUnderTest start(Path dataDir, DeliveryConfig delivery, UnaryOperator<MailgateConfig> customize) throws IOException {
        addAlice(dataDir);
        return new MailgateUnderTest(dataDir, customize.apply(config(dataDir, delivery)), true);
    }

    private static MailgateConfig config(Path dataDir, DeliveryConfig delivery) {
        return new MailgateConfig("mailgate.test", dataDir, Set.of(), List.of(
                new ListenerConfig("127.0.0.1", 0, ListenerKind.SUBMISSION)), null, Limits.DEFAULTS).withDelivery(delivery);
    }

    private static void addAlice(Path dataDir) throws IOException {
        PasswordHashes hashes = new PasswordHashes();
        new UserFile(dataDir).update(users -> {
            if (users.isEmpty()) {
                users.add(new User(ALICE, hashes.hash("secret"), List.of(), false));
            }
            return users;
        });
    }

    int submissionPort() {
        return port(ListenerKind.SUBMISSION);
    }

    int port(ListenerKind kind) {
        return server.bound().stream().filter(b -> b.listener().kind() == kind).findFirst().orElseThrow().address().getPort();
    }

    /** Submits as alice over STARTTLS with AUTH, the way a mail client does; {@code extra} sets Jakarta Mail properties. */
    void submit(List<String> recipients, String subject, String body, Properties extra) throws Exception {
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", Integer.toString(submissionPort()));
        p.put("mail.smtp.auth", "true");
        p.put("mail.smtp.starttls.enable", "true");
        p.put("mail.smtp.starttls.required", "true");
        p.put("mail.smtp.ssl.trust", "*");
        p.put("mail.smtp.timeout", "10000");
        p.putAll(extra);
        Session session = Session.getInstance(p);
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress(ALICE));
        for (String r : recipients) {
            message.addRecipient(Message.RecipientType.TO, new InternetAddress(r));
        }
        message.setSubject(subject);
        message.setText(body, "utf-8");
        try (Transport transport = session.getTransport("smtp")) {
            transport.connect(ALICE, "secret");
            transport.sendMessage(message, message.getAllRecipients());
        }
    }

    void submit(List<String> recipients, String subject) throws Exception {
        submit(recipients, subject, "Hello from the delivery test.\n", new Properties());
    }

    List<QueuedMessage> queue() throws IOException {
        try (FileSpool spool = FileSpool.openReadOnly(dataDir)) {
            return spool.list();
        }
    }

    /** The messages in a local user's Maildir new/ folder. */
    List<Path> mailbox(String user) throws IOException {
        Path dir = dataDir.resolve("mailboxes").resolve(user).resolve("new");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted().toList();
        }
    }

    static void await(String what, Duration limit, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + limit.toSeconds() + "s waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    @Override
    public void close() {
        mailgate.shutdown(Duration.ofSeconds(1));
    }
}
