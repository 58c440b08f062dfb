package org.mailgate.testing;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * A real authoritative DNS server for tests: Knot DNS on a loopback port, serving the zone
 * "test." the test writes, DNSSEC-signed by Knot itself. The zone's key-signing key, read back
 * from the server, is the trust anchor the validating resolver starts from.
 */
public final class KnotDns implements AutoCloseable {
    private static final Path KNOTD = Path.of("/usr/sbin/knotd");

    private final Process process;
    private final int port;
    private final Path trustAnchor;

    private KnotDns(Process process, int port, Path trustAnchor) {
        this.process = process;
        this.port = port;
        this.trustAnchor = trustAnchor;
    }

    /** Starts Knot with the zone "test." holding {@code records} (zone-file lines relative to test.), signed. */
    public static KnotDns start(Path dir, String records) throws Exception {
        return start(dir, "test.", records, true);
    }

    /**
     * Starts Knot with the zone {@code origin} holding {@code records}, DNSSEC-signed or not, on a
     * port free on 127.0.0.1 when picked; when knotd does not serve on it after all (it listens on
     * UDP and TCP, and the TCP port may be taken), it is stopped and another port is tried.
     */
    public static KnotDns start(Path dir, String origin, String records, boolean signed) throws Exception {
        if (!Files.isExecutable(KNOTD)) {
            throw new IllegalStateException("knotd is missing: tests/install-test-deps.sh installs Debian's knot");
        }
        for (int attempt = 1; ; attempt++) {
            try {
                return startOn(freeUdpPort(), dir, origin, records, signed);
            } catch (NotServing notServing) {
                if (attempt == 5) {
                    throw new IllegalStateException(notServing.getMessage());
                }
            }
        }
    }

    /** knotd did not serve the zone in time (it was stopped), typically because its port was taken. */
    private static final class NotServing extends Exception {
        NotServing(String message) {
            super(message);
        }
    }

    private static KnotDns startOn(int port, Path dir, String origin, String records, boolean signed) throws Exception {
        Files.createDirectories(dir.resolve("zones"));
        Files.createDirectories(dir.resolve("db"));
        String file = origin.equals(".") ? "root" : origin.substring(0, origin.length() - 1);
        Files.writeString(dir.resolve("zones/" + file + ".zone"), """
                $ORIGIN %s
                $TTL 60
                @ SOA ns.test. admin.test. 1 60 60 600 60
                @ NS ns.test.
                ns.test. A 127.0.0.1
                """.formatted(origin) + records);
        Files.writeString(dir.resolve("knot.conf"), """
                server:
                    listen: 127.0.0.1@%d
                    rundir: %s
                database:
                    storage: %s/db
                template:
                  - id: default
                    storage: %s/zones
                    file: "%s.zone"
                    zonefile-sync: -1
                    zonefile-load: difference-no-serial
                    journal-content: all
                policy:
                  - id: test
                    algorithm: ecdsap256sha256
                    single-type-signing: on
                zone:
                  - domain: "%s"
                    file: "%s/zones/%s.zone"
                    dnssec-signing: %s
                    dnssec-policy: test
                """.formatted(port, dir, dir, dir, file, origin, dir, file, signed ? "on" : "off"));
        Process process = new ProcessBuilder(KNOTD.toString(), "-c", dir.resolve("knot.conf").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("knot.log").toFile()).start();
        try {
            if (!signed) {
                waitForAnswer(port, process, dir, origin);
                return new KnotDns(process, port, null);
            }
            DNSKEYRecord ksk = waitForKsk(port, process, dir);
            Path anchor = Files.writeString(dir.resolve("trust-anchor.txt"), ksk.toString() + "\n");
            return new KnotDns(process, port, anchor);
        } catch (Exception e) {
            process.destroyForcibly();
            throw e;
        }
    }

    private static void waitForAnswer(int port, Process process, Path dir, String origin) throws Exception {
        SimpleResolver resolver = new SimpleResolver(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        resolver.setTimeout(Duration.ofMillis(500));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                if (!resolver.send(Message.newQuery(Record.newRecord(Name.fromString(origin), Type.SOA, DClass.IN)))
                        .getSection(Section.ANSWER).isEmpty()) {
                    return;
                }
            } catch (IOException notYet) {
                // knotd is still starting
            }
            Thread.sleep(100);
        }
        throw new NotServing("knotd did not serve " + origin + ": " + Files.readString(dir.resolve("knot.log")));
    }

    private static DNSKEYRecord waitForKsk(int port, Process process, Path dir) throws Exception {
        SimpleResolver resolver = new SimpleResolver(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        resolver.setTimeout(Duration.ofMillis(500));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                Message response = resolver.send(Message.newQuery(Record.newRecord(Name.fromString("test."), Type.DNSKEY, DClass.IN)));
                for (Record r : response.getSection(Section.ANSWER)) {
                    if (r instanceof DNSKEYRecord key && key.getFlags() == 257) {
                        return key;
                    }
                }
            } catch (IOException notYet) {
                // knotd is still starting
            }
            Thread.sleep(100);
        }
        throw new NotServing("knotd did not serve the signed zone: " + Files.readString(dir.resolve("knot.log")));
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** "127.0.0.1:PORT", as the config's dns-servers takes it. */
    public String server() {
        return "127.0.0.1:" + port;
    }

    public Path trustAnchor() {
        return trustAnchor;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
