package org.mailgate.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Opens N connections, completes the greeting, EHLO (and TLS, and AUTH when asked) on each,
 * holds them idle for a while, then checks how many are still open with a NOOP.
 */
public final class ConnectionHolder {
    // A server that is not answering within this time is not holding the connection.
    private static final int TIMEOUT_MILLIS = 15_000;

    /** @param opened connections that completed EHLO; @param stillOpen those that answered NOOP after the hold */
    public record Report(int requested, long opened, long stillOpen, Duration openTime, Map<String, Long> errors) {}

    private ConnectionHolder() {}

    public static Report run(BenchOptions options, int connections, Duration hold, int parallelOpens) throws InterruptedException {
        ConcurrentLinkedQueue<BenchConnection> open = new ConcurrentLinkedQueue<>();
        LongAdder io = new LongAdder();
        ConcurrentHashMap<String, LongAdder> errors = new ConcurrentHashMap<>();
        long start = System.nanoTime();
        AtomicInteger next = new AtomicInteger();
        List<Thread> openers = new ArrayList<>();
        for (int t = 0; t < parallelOpens; t++) {
            openers.add(Thread.ofVirtual().start(() -> {
                while (next.getAndIncrement() < connections) {
                    BenchConnection connection = null;
                    try {
                        connection = new BenchConnection(options.host(), options.port(), options.security(), null, TIMEOUT_MILLIS);
                        connection.open(options);
                        open.add(connection);
                    } catch (BenchConnection.ReplyException e) {
                        errors.computeIfAbsent(Integer.toString(e.code), c -> new LongAdder()).increment();
                        connection.close();
                    } catch (IOException e) {
                        errors.computeIfAbsent("io", c -> new LongAdder()).increment();
                        if (connection != null) {
                            connection.close();
                        }
                    }
                }
            }));
        }
        for (Thread opener : openers) {
            opener.join();
        }
        Duration openTime = Duration.ofNanos(System.nanoTime() - start);
        long opened = open.size();
        Thread.sleep(hold);
        LongAdder alive = new LongAdder();
        List<Thread> checkers = new ArrayList<>();
        for (BenchConnection connection : open) {
            checkers.add(Thread.ofVirtual().start(() -> {
                try (connection) {
                    if (connection.command("NOOP").code() == 250) {
                        alive.increment();
                    }
                    connection.quit();
                } catch (IOException e) {
                    io.increment();
                }
            }));
        }
        for (Thread checker : checkers) {
            checker.join();
        }
        Map<String, Long> counts = new TreeMap<>();
        errors.forEach((code, count) -> counts.put(code, count.sum()));
        if (io.sum() > 0) {
            counts.merge("closed-while-idle", io.sum(), Long::sum);
        }
        return new Report(connections, opened, alive.sum(), openTime, counts);
    }
}
