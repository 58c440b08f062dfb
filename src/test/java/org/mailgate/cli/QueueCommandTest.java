package org.mailgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import java.util.Arrays;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailgate.auth.PasswordHashes;
import org.mailgate.auth.User;
import org.mailgate.auth.UserFile;

/**
 * The admin steering a running server's queue from another process: list, hold, release,
 * retry, bounce, delete. Bob's mailbox is blocked by a file, so his mail waits in the queue; the
 * retry schedule is an hour, so only the commands move it.
 */
class QueueCommandTest {
    @TempDir Path dir;
    Path dataDir;
    Path blocker;
    Path config;

    @BeforeEach
    void setUp() throws Exception {
        dataDir = dir.resolve("data");
        new UserFile(dataDir).update(users -> {
            users.add(new User("bob@example.com", new PasswordHashes().hash("secret"), List.of(), false));
            return users;
        });
        blocker = Files.createDirectories(dataDir.resolve("mailboxes")).resolve("bob@example.com");
        Files.writeString(blocker, "not a directory");
        config = Files.writeString(dir.resolve("mailgate.toml"), """
                hostname = "mx.test"
                domains = ["example.com"]

                [[listener]]
                address = "127.0.0.1"
                port = 0
                kind = "inbound"

                [delivery]
                retry-first = "1h"
                dns-servers = ["127.0.0.1:9"]
                dnssec = "off"
                """);
    }

    @Test
    @DisplayName("queue list shows each recipient's state, attempts and last reply, and the next attempt")
    void listShowsTheDeliveryState() throws Exception {
        try (ServerProcess server = new ServerProcess(config, dataDir)) {
            String id = LineClient.send(server.inboundPort(), "carol@remote.example", List.of("bob@example.com"), "waiting");
            String list = awaitList(out -> out.contains("next attempt"));
            assertThat(list).contains(id).contains("from <carol@remote.example>").contains("next attempt 20")
                    .contains("<bob@example.com>  pending  attempts 1  451 4.3.0 cannot write the mailbox of bob@example.com");
            String json = cli("queue", "list", "--json");
            assertThat(json).contains("\"state\":\"pending\"").contains("\"attempts\":1").contains("\"held\":false");
        }
    }

    @Test
    @DisplayName("hold stops delivery even when the destination is back; release and retry deliver")
    void holdReleaseRetry() throws Exception {
        try (ServerProcess server = new ServerProcess(config, dataDir)) {
            String id = LineClient.send(server.inboundPort(), "carol@remote.example", List.of("bob@example.com"), "held");
            awaitList(out -> out.contains("attempts 1"));
            CliRun.Result notHeld = CliRun.run("", "queue", "release", id, "--data-dir", dataDir.toString());
            assertThat(notHeld.exitCode()).isEqualTo(1);
            assertThat(notHeld.err()).isEqualTo("mailgate: " + id + " is not held: nothing to release (`mailgate queue retry " + id
                    + "` attempts delivery now)\n");
            assertThat(cli("queue", "hold", id)).contains(id + ": held");
            assertThat(cli("queue", "list")).contains("held");
            Files.delete(blocker);
            assertThat(cli("queue", "retry", "--all")).contains(id + ": retry now");
            awaitList(out -> !out.contains(id));
            assertThat(Files.list(dataDir.resolve("mailboxes/bob@example.com/new")).count()).isEqualTo(1);
        }
    }

    @Test
    @DisplayName("a held message stays put until released, then goes on its schedule or at retry")
    void heldMessageWaitsForRelease() throws Exception {
        try (ServerProcess server = new ServerProcess(config, dataDir)) {
            String id = LineClient.send(server.inboundPort(), "carol@remote.example", List.of("bob@example.com"), "wait for me");
            awaitList(out -> out.contains("attempts 1"));
            cli("queue", "hold", id);
            Files.delete(blocker);
            cli("queue", "retry", id); // retry also releases: it means "now"
            awaitList(out -> !out.contains(id));
            String second = LineClient.send(server.inboundPort(), "carol@remote.example", List.of("bob@example.com"), "second");
            awaitList(out -> !out.contains(second));
            assertThat(cli("queue", "release", second)).isEmpty();
        }
    }

    @Test
    @DisplayName("queue bounce gives up on the pending recipients and queues an RFC 3464 notice to the sender")
    void bounceReturnsTheMessage() throws Exception {
        try (ServerProcess server = new ServerProcess(config, dataDir)) {
            String id = LineClient.send(server.inboundPort(), "carol@remote.example", List.of("bob@example.com"), "give up");
            awaitList(out -> out.contains("attempts 1"));
            assertThat(cli("queue", "bounce", id)).contains(id + ": bounce requested");
            String list = awaitList(out -> !out.contains(id) && out.contains("from <>"));
            String notice = list.lines().filter(l -> l.contains("from <>")).findFirst().orElseThrow().split(" ")[0];
            assertThat(cli("queue", "show", notice)).contains("recipient: <carol@remote.example>")
                    .contains("multipart/report").contains("Action: failed").contains("Status: 5.0.0")
                    .contains("returned to the sender by the postmaster").contains("Subject: give up");
            assertThat(cli("queue", "delete", notice)).contains("deleted " + notice);
            assertThat(cli("queue", "list")).contains("0 messages in the queue");
        }
    }

    @Test
    @DisplayName("steering an unknown message is a clear error")
    void unknownIdIsAnError() {
        assertThat(Main.run("queue", "hold", "0000000000000000Z", "--data-dir", dataDir.toString())).isNotZero();
    }

    private String awaitList(Predicate<String> condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        String out = cli("queue", "list");
        while (!condition.test(out) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            out = cli("queue", "list");
        }
        assertThat(condition).as("queue list never matched; last:\n" + out).accepts(out);
        return out;
    }

    private String cli(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            String[] all = Stream.concat(Arrays.stream(args), Stream.of("--data-dir", dataDir.toString()))
                    .toArray(String[]::new);
            Main.run(all);
        } finally {
            System.setOut(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
