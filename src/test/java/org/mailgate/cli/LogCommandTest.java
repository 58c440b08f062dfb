package org.mailgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `mailgate log QUEUEID`: one message's lines, its session's, and its notices', from text or JSON lines. */
class LogCommandTest {
    private static final List<String> LOG = List.of(
            "t INFO SmtpConnection - session=aa11 client=192.0.2.1 connected to port 587",
            "t INFO SmtpConnection - session=bb22 client=192.0.2.2 connected to port 587",
            "t INFO Logins - session=aa11 client=192.0.2.1 authenticated user=alice@example.com",
            "t INFO Reception - 1AAAAAAAAAAAAAAAA queued session=aa11 client=192.0.2.1 user=alice@example.com from=<alice@example.com> recipients=1 size=600",
            "t INFO Reception - 1BBBBBBBBBBBBBBBB queued session=bb22 client=192.0.2.2 from=<x@example.net> recipients=1 size=700",
            "t INFO Dialer - 1AAAAAAAAAAAAAAAA: connected to mx.example.net[198.51.100.2]:25: TLSv1.3 TLS_AES_128_GCM_SHA256 (opportunistic TLS)",
            "t INFO Attempts - 1AAAAAAAAAAAAAAAA: to=<bob@example.net> relay=mx.example.net[198.51.100.2]:25 status=bounced (550 5.1.1 no)",
            "t INFO Bounces - 1AAAAAAAAAAAAAAAA: failed notice 1CCCCCCCCCCCCCCCC queued for <alice@example.com> about 1 recipients",
            "t INFO Attempts - 1BBBBBBBBBBBBBBBB: to=<carol@example.com> relay=maildir status=sent (250 2.0.0 stored)",
            "t INFO Attempts - 1CCCCCCCCCCCCCCCC: to=<alice@example.com> relay=maildir status=sent (250 2.0.0 stored)",
            "{\"timestamp\":1,\"level\":\"INFO\",\"loggerName\":\"org.mailgate.delivery.Attempts\","
                    + "\"formattedMessage\":\"1AAAAAAAAAAAAAAAA: removed from the queue, every recipient done\",\"throwable\":null}");

    @TempDir Path dir;

    @Test
    void theStoryOfOneMessageFromItsSessionToItsNoticesDelivery() {
        assertThat(LogCommand.story(LOG, "1AAAAAAAAAAAAAAAA")).containsExactly(LOG.get(0), LOG.get(2), LOG.get(3), LOG.get(5), LOG.get(6),
                LOG.get(7), LOG.get(9), LOG.get(10));
    }

    @Test
    void readsAFileAndSaysWhenNothingNamesTheMessage() throws Exception {
        Path file = Files.write(dir.resolve("mailgate.log"), LOG);
        CliRun.Result found = CliRun.run("", "log", "1BBBBBBBBBBBBBBBB", file.toString());
        assertThat(found.exitCode()).isZero();
        assertThat(found.out()).isEqualTo(String.join("\n", LOG.get(1), LOG.get(4), LOG.get(8)) + "\n");
        CliRun.Result missing = CliRun.run(String.join("\n", LOG), "log", "1ZZZZZZZZZZZZZZZZ");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).isEqualTo("mailgate: no line of standard input names 1ZZZZZZZZZZZZZZZZ\n");
    }
}
