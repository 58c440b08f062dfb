package org.mailgate.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mailgate.mail.BodyType;
import org.mailgate.mail.EnhancedStatus;
import org.mailgate.mail.Mailbox;
import org.mailgate.mail.Reply;
import org.mailgate.smtp.ClientDialogue.Step;

/**
 * Random and mutated input into both halves of the protocol, with one invariant: the server
 * session and the client dialogue may only answer, never throw. A seeded loop (the seed of a
 * failing case is in the message, and {@code -Dfuzz.seed=N} replays it), bounded in count and in
 * time so CI stays fast; {@code -Dfuzz.cases=N -Dfuzz.seconds=S} runs longer by hand.
 */
class FuzzTest {
    private static final long SEED = Long.getLong("fuzz.seed", 20261201L);
    private static final int CASES = Integer.getInteger("fuzz.cases", 3000);
    private static final long BUDGET_NANOS = Long.getLong("fuzz.seconds", 8) * 1_000_000_000L;

    private static final List<String> COMMANDS = List.of(
            "EHLO client.test", "HELO client.test", "LHLO client.test", "STARTTLS", "AUTH PLAIN AGFsaWNlQGV4YW1wbGUuY29tAHNlY3JldA==",
            "AUTH PLAIN", "AUTH LOGIN", "YWxpY2VAZXhhbXBsZS5jb20=", "c2VjcmV0", "*", "AUTH CRAM-MD5", "MAIL FROM:<alice@example.com>",
            "MAIL FROM:<> BODY=8BITMIME SIZE=100", "MAIL FROM:<a@b.test> SMTPUTF8 RET=HDRS ENVID=x+2B", "MAIL FROM:<alice@example.com> SIZE=99999999",
            "RCPT TO:<bob@example.org>", "RCPT TO:<x@nowhere.test>", "RCPT TO:<bob@example.org> NOTIFY=SUCCESS,DELAY ORCPT=rfc822;bob@example.org",
            "RCPT TO:<postmaster>", "RCPT TO:<\"q u\"@[127.0.0.1]>", "DATA", "BDAT 0 LAST", "BDAT 5", "BDAT 10 LAST", "BDAT x",
            "BDAT 99999999999999999999", "RSET", "NOOP", "VRFY bob", "EXPN list", "HELP", "QUIT", "mail from:<A@B.TEST>", "",
            "GET / HTTP/1.1", "MAIL FROM:<a@b.test> BODY=BINARYMIME", "RCPT TO:<ä@例え.テスト>", ".", "..", "Subject: x");

    @Test
    @DisplayName("random and mutated sessions into SmtpSession: only replies, never an exception, never a reply after close")
    void serverSessionOnlyAnswers() {
        run("server sessions", FuzzTest::serverCase);
    }

    @Test
    @DisplayName("random replies into ClientDialogue: always a next step, never an exception, and Done has a reply per recipient")
    void clientDialogueOnlyAnswers() {
        run("client dialogues", FuzzTest::clientCase);
    }

    /** Cases from consecutive seeds until the count or the time budget runs out. */
    private static void run(String what, java.util.function.Consumer<SplittableRandom> fuzzCase) {
        long deadline = System.nanoTime() + BUDGET_NANOS;
        int cases = 0;
        for (; cases < CASES && System.nanoTime() < deadline; cases++) {
            long seed = SEED + cases;
            try {
                fuzzCase.accept(new SplittableRandom(seed));
            } catch (RuntimeException | AssertionError e) {
                throw new AssertionError(what + ": the case with -Dfuzz.seed=" + seed + " failed: " + e, e);
            }
        }
        System.out.printf("fuzz: %d %s from seed %d%n", cases, what, SEED);
        assertThat(cases).isPositive();
    }

    private static void serverCase(SplittableRandom random) {
        SessionSettings settings = random.nextBoolean() ? SessionHarness.SUBMISSION : SessionHarness.INBOUND;
        SessionHarness harness = new SessionHarness(settings);
        byte[] input = sessionBytes(random);
        int closedAt = -1;
        int offset = 0;
        while (offset < input.length) {
            int n = Math.min(input.length - offset, 1 + random.nextInt(random.nextBoolean() ? 8 : 600));
            byte[] piece = new byte[n];
            System.arraycopy(input, offset, piece, 0, n);
            offset += n;
            int before = harness.events.size();
            List<String> replies = harness.send(piece);
            if (closedAt >= 0) {
                assertThat(replies).as("replies after the session closed").isEmpty();
            }
            for (String reply : replies) {
                assertThat(reply).matches("(?s)[2-5]\\d\\d([ -].*)?");
            }
            if (harness.closed && closedAt < 0) {
                closedAt = before;
            }
            if (random.nextInt(50) == 0) {
                harness.session.requestShutdown();
            }
        }
    }

    /** Commands from the vocabulary, some mutated, with content after DATA and BDAT, in random line endings. */
    private static byte[] sessionBytes(SplittableRandom random) {
        StringBuilder out = new StringBuilder();
        int commands = 1 + random.nextInt(30);
        for (int i = 0; i < commands; i++) {
            String command = COMMANDS.get(random.nextInt(COMMANDS.size()));
            out.append(mutate(command, random)).append(lineEnd(random));
            if (command.equals("DATA") && random.nextBoolean()) {
                out.append("Subject: fuzz").append(lineEnd(random)).append(lineEnd(random));
                out.append(randomText(random, random.nextInt(200)));
                out.append(random.nextInt(4) == 0 ? SmugglingVectors.FALSE_ENDS.get(random.nextInt(SmugglingVectors.FALSE_ENDS.size())) : "\r\n.\r\n");
            }
            if (command.startsWith("BDAT ") && random.nextBoolean()) {
                out.append(randomText(random, random.nextInt(12)));
            }
        }
        if (random.nextInt(10) == 0) {
            out.append("X".repeat(1000 + random.nextInt(20_000))); // a line far over the limit
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String mutate(String command, SplittableRandom random) {
        if (command.isEmpty() || random.nextInt(4) != 0) {
            return command;
        }
        StringBuilder s = new StringBuilder(command);
        int edits = 1 + random.nextInt(3);
        for (int e = 0; e < edits && !s.isEmpty(); e++) {
            int at = random.nextInt(s.length());
            switch (random.nextInt(4)) {
                case 0 -> s.deleteCharAt(at);
                case 1 -> s.insert(at, (char) random.nextInt(0x20, 0x7f));
                case 2 -> s.setCharAt(at, (char) random.nextInt(0, 0x100));
                default -> s.insert(at, new String(new char[] {(char) random.nextInt(0x80, 0x3000)}));
            }
        }
        return s.toString();
    }

    private static String lineEnd(SplittableRandom random) {
        return switch (random.nextInt(12)) {
            case 0 -> "\n";
            case 1 -> "\r";
            case 2 -> "\r\r\n";
            default -> "\r\n";
        };
    }

    private static String randomText(SplittableRandom random, int length) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) {
            int kind = random.nextInt(20);
            s.append(kind == 0 ? '\r' : kind == 1 ? '\n' : kind == 2 ? '.' : kind == 3 ? '\0' : (char) random.nextInt(0x20, 0x7f));
        }
        return s.toString();
    }

    private static void clientCase(SplittableRandom random) {
        boolean lmtp = random.nextInt(4) == 0;
        ClientDialogue.Tls tls = ClientDialogue.Tls.values()[random.nextInt(3)];
        Optional<ClientDialogue.Login> login = random.nextBoolean() ? Optional.of(new ClientDialogue.Login("u", "p")) : Optional.empty();
        ClientDialogue d = new ClientDialogue(new ClientDialogue.Options("me.test", lmtp, tls, random.nextInt(5) == 0, login));
        int recipients = 1 + random.nextInt(4);
        ClientDialogue.Transaction t = new ClientDialogue.Transaction(Optional.of(Mailbox.stored("s@me.test")), random.nextInt(1000),
                random.nextBoolean() ? BodyType.EIGHT_BIT_MIME : BodyType.SEVEN_BIT, random.nextBoolean(), Optional.empty(), Optional.empty(),
                java.util.stream.IntStream.range(0, recipients)
                        .mapToObj(i -> new ClientDialogue.Recipient(Mailbox.stored("r" + i + "@x.test"), Set.of(), Optional.empty())).toList());
        Step step = d.start();
        int transactions = 0;
        for (int turn = 0; turn < 200; turn++) {
            switch (step) {
                case Step.Send s -> step = d.reply(randomReply(random));
                case Step.StartTls s -> step = d.tlsStarted();
                case Step.SendData s -> step = d.reply(randomReply(random));
                case Step.SendChunks s -> {
                    d.chunk(random.nextInt(100), random.nextBoolean());
                    step = d.reply(randomReply(random));
                }
                case Step.Ready r -> {
                    if (transactions++ > 2 || random.nextInt(6) == 0) {
                        step = random.nextBoolean() ? d.quit() : d.reset();
                    } else {
                        step = d.begin(t);
                    }
                }
                case Step.Done done -> {
                    assertThat(done.perRecipient()).hasSize(recipients).doesNotContainNull();
                    step = new Step.Ready(d.extensions());
                }
                case Step.Closed c -> {
                    return;
                }
                case Step.Failed f -> {
                    step = d.quit();
                }
            }
        }
    }

    private static final int[] CODES = {220, 221, 235, 250, 251, 252, 334, 354, 421, 450, 451, 452, 454, 500, 501, 502, 503, 504, 530,
            535, 550, 552, 553, 554};
    private static final List<String> EXTENSIONS = List.of("PIPELINING", "SIZE 500", "SIZE", "SIZE x", "8BITMIME", "SMTPUTF8",
            "CHUNKING", "DSN", "STARTTLS", "AUTH PLAIN LOGIN", "AUTH", "AUTH=LOGIN", "ENHANCEDSTATUSCODES", "", "X-\u00e9");

    private static Reply randomReply(SplittableRandom random) {
        int code = CODES[random.nextInt(CODES.length)];
        List<String> lines = new ArrayList<>();
        lines.add("mx.test " + HexFormat.of().toHexDigits(random.nextInt()));
        int extra = random.nextInt(code == 250 ? 8 : 2);
        for (int i = 0; i < extra; i++) {
            lines.add(EXTENSIONS.get(random.nextInt(EXTENSIONS.size())));
        }
        EnhancedStatus status = random.nextBoolean() ? EnhancedStatus.of(code / 100, random.nextInt(8), random.nextInt(8)) : null;
        return new Reply(code, status, lines);
    }
}
