package org.mailgate.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLException;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Runs a load: {@code sessions} virtual threads, each opening a connection, sending up to
 * {@code messagesPerSession} messages, and starting over, until the total is sent or the time
 * is up. Always stops by itself.
 */
public final class LoadGenerator {
    private static final int TIMEOUT_MILLIS = 30_000;
    private static final long HOUR_MICROS = 3_600_000_000L;

    private final BenchOptions options;
    private final byte[] message;
    private final AtomicLong remaining;
    private final long deadline;
    private final Histogram latency = new ConcurrentHistogram(HOUR_MICROS, 3);
    private final Histogram sessionLatency = new ConcurrentHistogram(HOUR_MICROS, 3);
    private final AtomicLong started = new AtomicLong();
    private long startNanos;
    private final LongAdder sent = new LongAdder();
    private final LongAdder sessions = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();

    private LoadGenerator(BenchOptions options) {
        this.options = options;
        this.message = options.message();
        this.remaining = new AtomicLong(options.totalMessages());
        this.deadline = System.nanoTime() + options.maxDuration().toNanos();
    }

    public static BenchReport run(BenchOptions options) throws InterruptedException {
        return new LoadGenerator(options).run();
    }

    private BenchReport run() throws InterruptedException {
        long start = System.nanoTime();
        startNanos = start;
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < options.sessions(); i++) {
            workers.add(Thread.ofVirtual().name("bench-", i).start(this::work));
        }
        for (Thread worker : workers) {
            worker.join();
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        Map<String, Long> errorCounts = new HashMap<>();
        errors.forEach((code, count) -> errorCounts.put(code, count.sum()));
        return new BenchReport(sent.sum(), sessions.sum(), elapsed, latency, sessionLatency, errorCounts, bytes.sum());
    }

    /** What went wrong, in the words of the report's error counts. */
    static String kind(IOException e) {
        return switch (e) {
            case ConnectException refused -> "connection refused";
            case UnknownHostException unknown -> "unknown host";
            case SocketTimeoutException timeout -> "timeout";
            case SSLException tls -> "tls";
            case SocketException reset -> "connection lost";
            default -> "io";
        };
    }

    /** Claims one message of the total; false when the total is sent or the time is up. */
    private boolean claim() {
        return System.nanoTime() < deadline && remaining.getAndDecrement() > 0;
    }

    /**
     * Waits for this session's turn when a rate is set (session n starts n/rate seconds in), and
     * picks its source address in turn; false when the time ran out meanwhile.
     */
    private boolean pace(long session) throws InterruptedException {
        if (options.rate() > 0) {
            long due = startNanos + (long) (session * 1e9 / options.rate());
            long wait = due - System.nanoTime();
            if (due > deadline) {
                return false;
            }
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
        }
        return true;
    }

    private void work() {
        while (claim()) {
            long session = started.getAndIncrement();
            try {
                if (!pace(session)) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            String source = options.sources().isEmpty() ? null : options.sources().get((int) (session % options.sources().size()));
            long sessionBegin = System.nanoTime();
            // no wait outlives the run by more than a second: --duration is an upper bound
            int timeout = (int) Math.max(1000, Math.min(TIMEOUT_MILLIS, (deadline - System.nanoTime()) / 1_000_000 + 1000));
            try (BenchConnection connection = new BenchConnection(options.host(), options.port(), options.security(), source, timeout)) {
                try {
                    connection.open(options);
                    int sentHere = 0;
                    do {
                        long begin = System.nanoTime();
                        connection.sendMessage(options.from(), options.to(), message);
                        latency.recordValue(Math.max(1, (System.nanoTime() - begin) / 1000));
                        sent.increment();
                    } while (++sentHere < options.messagesPerSession() && claim());
                    sessionLatency.recordValue(Math.max(1, (System.nanoTime() - sessionBegin) / 1000));
                    connection.quit();
                    sessions.increment();
                } finally {
                    bytes.add(connection.bytesSent);
                }
            } catch (BenchConnection.ReplyException e) {
                errors.computeIfAbsent(Integer.toString(e.code), code -> new LongAdder()).increment();
            } catch (IOException e) {
                errors.computeIfAbsent(kind(e), code -> new LongAdder()).increment();
            }
        }
    }

    /** A message of {@code size} bytes: header fields naming the envelope's sender and recipient, then text lines. */
    public static byte[] message(int size, String from, String to) {
        StringBuilder text = new StringBuilder("From: " + from + "\r\nTo: " + to + "\r\nSubject: Mailgate bench\r\n"
                + "Message-ID: <bench@bench.mailgate.test>\r\nDate: Tue, 24 Nov 2026 00:00:00 +0000\r\n\r\n");
        String line = "The quick brown fox jumps over the lazy dog. 0123456789 abcdefghijklmnopqrstu\r\n";
        while (text.length() + line.length() <= size) {
            text.append(line);
        }
        text.append("x".repeat(Math.max(0, size - text.length() - 2))).append("\r\n.\r\n");
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** A message file as DATA sends it: its line ends made CRLF, lines starting with "." doubled, then the line ".". */
    public static byte[] message(byte[] file) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(file.length + 64);
        boolean lineStart = true;
        for (int i = 0; i < file.length; i++) {
            byte b = file[i];
            if (lineStart && b == '.') {
                out.write('.');
            }
            if (b == '\n' && (i == 0 || file[i - 1] != '\r')) {
                out.write('\r');
            }
            out.write(b);
            lineStart = b == '\n';
        }
        if (!lineStart) {
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes(".\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }
}
