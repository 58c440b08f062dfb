package org.mailgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.mailgate.auth.PasswordHashes;
import org.mailgate.auth.User;
import org.mailgate.auth.UserFile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Durability as a user sees it: kill -9 after "250" loses nothing; SIGTERM finishes what is in flight. */
class CrashAndShutdownTest {
    @TempDir
    Path dir;
    Path dataDir;

    @BeforeEach
    void users() throws Exception {
        dataDir = dir.resolve("data");
        new UserFile(dataDir).update(users -> {
            users.add(new User("alice@example.com", new PasswordHashes().hash("secret"), java.util.List.of(), false));
            users.add(new User("bob@example.com", new PasswordHashes().hash("secret"), java.util.List.of(), false));
            return users;
        });
    }

    private static String queueId(String reply) {
        assertThat(reply).startsWith("250 2.0.0 Ok: queued as ");
        return reply.substring(reply.lastIndexOf(' ') + 1);
    }

    private String queueList() {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertThat(Main.run("queue", "list", "--data-dir", dataDir.toString())).isZero();
        } finally {
            System.setOut(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    @Test
    @DisplayName("a second serve on the same data directory stops at once and names the one running, which goes on")
    void oneServerPerDataDirectory() throws Exception {
        Path config = ServerProcess.config(dir);
        try (ServerProcess first = new ServerProcess(config, dataDir)) {
            String java = ProcessHandle.current().info().command().orElse("java");
            Process second = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "org.mailgate.cli.Main", "serve",
                    "--config", config.toString(), "--data-dir", dataDir.toString()).redirectErrorStream(true).start();
            assertThat(second.waitFor(30, TimeUnit.SECONDS)).isTrue();
            String output = new String(second.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(second.exitValue()).isEqualTo(1);
            assertThat(output).contains("mailgate: another Mailgate is already running on " + dataDir + " (pid " + first.process.pid() + ")");
            try (LineClient c = LineClient.connect(first.inboundPort())) {
                assertThat(c.send("NOOP")).startsWith("250");
            }
        }
    }

    @Test
    @DisplayName("SIGHUP reloads instead of killing: limits apply to new connections, delivery to its next rounds, a broken file changes nothing")
    void sighupReloads() throws Exception {
        Path config = ServerProcess.config(dir);
        try (ServerProcess server = new ServerProcess(config, dataDir)) {
            Files.writeString(config, Files.readString(config).replace("[limits]\n", "[limits]\nmax-message-size = 12345\n")
                    .replace("retry-first = \"1s\"", "retry-first = \"2s\""));
            server.signal("HUP");
            assertThat(server.awaitOutput("reload: asked by SIGHUP, reading " + config, Duration.ofSeconds(10))).isTrue();
            assertThat(server.awaitOutput("reload: config: applied [limits], [delivery]", Duration.ofSeconds(10))).isTrue();
            assertThat(server.awaitOutput("reload: delivery: the next rounds use the new settings", Duration.ofSeconds(5))).isTrue();
            assertThat(server.awaitOutput("reload: users: 2", Duration.ofSeconds(5))).isTrue();
            assertRefusesOver12345(server);

            Files.writeString(config, "not = [valid toml");
            server.signal("HUP");
            assertThat(server.awaitOutput("reload: config not reloaded, the running one stays: " + config, Duration.ofSeconds(10))).isTrue();
            assertThat(server.process.isAlive()).isTrue();
            assertRefusesOver12345(server);
        }
    }

    private static void assertRefusesOver12345(ServerProcess server) throws Exception {
        try (LineClient c = LineClient.connect(server.inboundPort())) {
            c.send("EHLO client.test");
            assertThat(c.send("MAIL FROM:<a@remote.example> SIZE=20000")).startsWith("552 5.3.4");
        }
    }

    @Test
    void killNineRightAfter250LosesNothing() throws Exception {
        Path config = ServerProcess.config(dir);
        String id;
        try (ServerProcess server = new ServerProcess(config, dataDir); LineClient c = LineClient.connect(server.inboundPort())) {
            c.send("EHLO client.test");
            c.send("MAIL FROM:<sender@remote.example>");
            c.send("RCPT TO:<alice@example.com>");
            c.send("DATA");
            id = queueId(c.send("Subject: durable\r\n\r\nkept\r\n."));
            server.process.destroyForcibly(); // SIGKILL, at once
            assertThat(server.process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        }
        try (ServerProcess restarted = new ServerProcess(config, dataDir)) {
            // acknowledged, so after the restart it is queued or already in alice's mailbox: never gone, never twice
            awaitMailbox("alice@example.com", 1);
            assertThat(Files.readString(mailbox("alice@example.com").get(0))).contains("Subject: durable");
            // the message leaves the queue a moment after it reaches the mailbox
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (queueList().contains(id) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(queueList()).doesNotContain(id);
        }
    }

    @Test
    @DisplayName("kill -9 between recipients: after the restart the delivered one gets no second copy, the pending one gets its first")
    void killNineMidDeliveryDoesNotDeliverTwice() throws Exception {
        Path config = ServerProcess.config(dir);
        // bob's mailbox cannot be created while a file stands in its place: his copy is deferred
        Path blocker = Files.createDirectories(dataDir.resolve("mailboxes")).resolve("bob@example.com");
        Files.writeString(blocker, "not a directory");
        String id;
        try (ServerProcess server = new ServerProcess(config, dataDir); LineClient c = LineClient.connect(server.inboundPort())) {
            c.send("EHLO client.test");
            c.send("MAIL FROM:<sender@remote.example>");
            c.send("RCPT TO:<alice@example.com>");
            c.send("RCPT TO:<bob@example.com>");
            c.send("DATA");
            id = queueId(c.send("Subject: two recipients\r\n\r\nonce each\r\n."));
            awaitMailbox("alice@example.com", 1);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!queueList().contains("cannot write the mailbox") && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(queueList()).contains(id).contains("<alice@example.com>  delivered").contains("<bob@example.com>  pending");
            server.process.destroyForcibly(); // SIGKILL
            assertThat(server.process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        }
        Files.delete(blocker);
        try (ServerProcess restarted = new ServerProcess(config, dataDir)) {
            awaitMailbox("bob@example.com", 1);
            Thread.sleep(500);
            assertThat(mailbox("alice@example.com")).hasSize(1);
            assertThat(mailbox("bob@example.com")).hasSize(1);
        }
    }

    private java.util.List<Path> mailbox(String user) throws Exception {
        Path dir = dataDir.resolve("mailboxes").resolve(user).resolve("new");
        if (!Files.isDirectory(dir)) {
            return java.util.List.of();
        }
        try (var files = Files.list(dir)) {
            return files.toList();
        }
    }

    private void awaitMailbox(String user, int count) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (mailbox(user).size() < count && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(mailbox(user)).as(user + "'s mailbox").hasSize(count);
    }

    @Test
    void sigtermLetsTheSessionInFlightFinishThenExitsZero() throws Exception {
        Path config = ServerProcess.config(dir);
        try (ServerProcess server = new ServerProcess(config, dataDir); LineClient c = LineClient.connect(server.inboundPort())) {
            c.send("EHLO client.test");
            c.send("MAIL FROM:<sender@remote.example>");
            c.send("RCPT TO:<alice@example.com>");
            assertThat(c.send("DATA")).startsWith("354");
            server.process.destroy(); // SIGTERM
            Thread.sleep(500);
            try (Socket refused = new Socket()) {
                assertThat(connects(refused, server.inboundPort())).as("still accepting after SIGTERM").isFalse();
            }
            String id = queueId(c.send("Subject: in flight\r\n\r\nfinished\r\n."));
            assertThat(c.readReply()).isEqualTo("421 4.3.2 Service shutting down, closing transmission channel");
            assertThat(server.process.waitFor(15, TimeUnit.SECONDS)).isTrue();
            assertThat(server.process.exitValue()).isZero();
            // delivery stops first on SIGTERM: the message finished during the grace period stays queued
            assertThat(queueList()).contains(id);
        }
    }

    private static boolean connects(Socket socket, int port) {
        try {
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (java.io.IOException refused) {
            return false;
        }
    }
}
