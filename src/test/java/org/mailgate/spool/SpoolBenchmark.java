package org.mailgate.spool;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The durable write path: a 1 KiB message written, fsynced, renamed and its directory fsynced.
 * One thread shows the cost of a lone commit; 32 threads show what the group commit shares.
 * It writes to the disk under target/ (the real disk, as a server would). Run with bench/jmh.sh.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class SpoolBenchmark {
    private static final byte[] CONTENT = ("Subject: bench\r\n\r\n" + ("x".repeat(76) + "\r\n").repeat(13)).getBytes(StandardCharsets.US_ASCII);

    private Path dataDir;
    private FileSpool spool;
    private final QueueIds ids = new QueueIds();

    @Setup(Level.Trial)
    public void open() throws IOException {
        Files.createDirectories(Path.of("target"));
        dataDir = Files.createTempDirectory(Path.of("target"), "spool-bench");
        spool = FileSpool.open(dataDir);
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        spool.close();
        try (var files = Files.walk(dataDir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private void commitOne() throws IOException {
        SpoolEnvelope envelope = TestEnvelopes.envelope(ids.next(System.currentTimeMillis()), Instant.now()).from("a@example.com")
                .to("b@example.org").build();
        IncomingMessage message = spool.begin(envelope);
        message.append(CONTENT);
        spool.commit(message).join();
    }

    @Benchmark
    @Threads(1)
    public void commitOneThread() throws IOException {
        commitOne();
    }

    @Benchmark
    @Threads(32)
    public void commit32Threads() throws IOException {
        commitOne();
    }
}
