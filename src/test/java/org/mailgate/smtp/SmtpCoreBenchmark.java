package org.mailgate.smtp;

import org.mailgate.mail.Mailbox;
import org.mailgate.mail.Refusal;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/** The protocol core's hot paths: command parsing, and DATA framing with dot-unstuffing. Run with bench/jmh.sh. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SmtpCoreBenchmark {
    private final byte[] message = message(100 * 1024);

    private static byte[] message(int size) {
        StringBuilder text = new StringBuilder("From: a@example.com\r\nSubject: bench\r\n\r\n");
        while (text.length() < size) {
            text.append(text.length() % 7 == 0 ? ".leading dot line to unstuff\r\n" : "The quick brown fox jumps over the lazy dog 0123456789\r\n");
        }
        return text.append(".\r\n").toString().getBytes(StandardCharsets.US_ASCII);
    }

    @Benchmark
    public Command parseMail() {
        return CommandParser.parse("MAIL FROM:<alice@example.com> SIZE=1024 BODY=8BITMIME", false);
    }

    @Benchmark
    public Command parseRcpt() {
        return CommandParser.parse("RCPT TO:<bob@example.org> NOTIFY=FAILURE,DELAY ORCPT=rfc822;bob@example.org", false);
    }

    /** 100 KiB of DATA in 16 KiB reads, as the network delivers it. */
    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public long decodeData100KiB(Blackhole hole) {
        ContentDecoder content = new ContentDecoder(Long.MAX_VALUE, BareLineFeed.REJECT, bytes -> hole.consume(bytes.length));
        DataDecoder decoder = new DataDecoder(content);
        for (int offset = 0; offset < message.length && !decoder.isDone(); offset += 16 * 1024) {
            decoder.decode(message, offset, Math.min(16 * 1024, message.length - offset));
        }
        return content.size();
    }

    /** A whole pipelined transaction through the session state machine, without I/O. */
    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public int sessionTransaction1KiB(Blackhole hole) {
        int[] events = new int[1];
        SmtpSession session = new SmtpSession(SessionSettings.inbound("mx.test").withLimits(1 << 20, 100, 20, 100),
                new MailPolicy() {
                    @Override
                    public java.util.Optional<Refusal> checkSender(String helo, String user, Mailbox sender, long declaredSize) {
                        return java.util.Optional.empty();
                    }

                    @Override
                    public java.util.Optional<Refusal> checkRecipient(String helo, String user, Mailbox recipient, int accepted) {
                        return java.util.Optional.empty();
                    }
                }, event -> {
                    events[0]++;
                    hole.consume(event);
                });
        session.start();
        session.receive(TRANSACTION, 0, TRANSACTION.length);
        return events[0];
    }

    private static final byte[] TRANSACTION = ("EHLO client.test\r\nMAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.org>\r\nDATA\r\n"
            + "Subject: x\r\n\r\n" + "y".repeat(70) + "\r\n".repeat(1) + ("z".repeat(76) + "\r\n").repeat(12) + ".\r\n")
            .getBytes(StandardCharsets.US_ASCII);
}
