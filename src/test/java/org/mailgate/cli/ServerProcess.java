package org.mailgate.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** `mailgate serve` in a separate JVM, so a test can kill it the hard way. */
final class ServerProcess implements AutoCloseable {
    private static final Pattern LISTENER = Pattern.compile("\\s+(\\w+)\\s+127\\.0\\.0\\.1:(\\d+)");

    final Process process;
    final List<String> output = new ArrayList<>();
    private final CompletableFuture<Void> started = new CompletableFuture<>();
    private int inboundPort;

    ServerProcess(Path config, Path dataDir) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "org.mailgate.cli.Main", "serve", "--config", config.toString(), "--data-dir", dataDir.toString())
                .redirectErrorStream(true)
                .start();
        Thread.ofVirtual().start(this::readOutput);
        try {
            started.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IOException("server did not start: " + output, e);
        }
    }

    static Path config(Path dir) throws IOException {
        return Files.writeString(dir.resolve("mailgate.toml"), """
                hostname = "mx.test"
                domains = ["example.com"]

                [limits]
                shutdown-grace = "10s"

                [delivery]
                retry-first = "1s"
                retry-max = "1s"

                [[listener]]
                address = "127.0.0.1"
                port = 0
                kind = "inbound"
                """);
    }

    private void readOutput() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                synchronized (output) {
                    output.add(line);
                }
                Matcher m = LISTENER.matcher(line);
                if (m.lookingAt() && m.group(1).equals("inbound")) {
                    inboundPort = Integer.parseInt(m.group(2));
                }
                if (line.startsWith("Next:") || line.startsWith("Ready:")) { // the start-up report's last line
                    started.complete(null);
                }
            }
        } catch (IOException e) {
            started.completeExceptionally(e);
        }
        started.completeExceptionally(new IOException("server output ended"));
    }

    /** Waits until a line of the server's output contains {@code text}; false on timeout. */
    boolean awaitOutput(String text, java.time.Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            synchronized (output) {
                if (output.stream().anyMatch(line -> line.contains(text))) {
                    return true;
                }
            }
            Thread.sleep(50);
        }
        return false;
    }

    /** Sends the server a signal by name (HUP, TERM, ...). */
    void signal(String name) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start().waitFor();
    }

    int inboundPort() {
        return inboundPort;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }
}
