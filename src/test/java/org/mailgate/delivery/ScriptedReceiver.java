package org.mailgate.delivery;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.IntFunction;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * An SMTP receiver the test scripts: which extensions it offers, whether it has STARTTLS and
 * with which certificate, and how it answers each transaction (by its number: 4xx first, then
 * 250, say), or whether it hangs up in the middle of DATA. It takes DATA and BDAT (when it offers
 * CHUNKING), records every transaction it accepted with the content it received, and keeps every
 * byte clients sent ({@link #wire}), to show exactly what went over the connection.
 */
final class ScriptedReceiver implements AutoCloseable {

    /** What a transaction's DATA gets: a reply, or the connection dropped after some content. */
    sealed interface DataAnswer {
        record ReplyWith(String reply) implements DataAnswer {}

        record HangUp() implements DataAnswer {}
    }

    record Transaction(String mailFrom, List<String> rcptTo, String data, boolean tls, String helo) {}

    private final ServerSocket server;
    private final SSLContext tls;
    private final List<String> extensions;
    private final IntFunction<DataAnswer> dataAnswer;
    private final Function<String, String> rcptAnswer;
    final List<Transaction> accepted = new CopyOnWriteArrayList<>();
    final List<String> commands = new CopyOnWriteArrayList<>();
    /** "user:password" for each AUTH LOGIN a client completed. */
    final List<String> logins = new CopyOnWriteArrayList<>();
    final AtomicInteger transactions = new AtomicInteger();
    private final ByteArrayOutputStream wire = new ByteArrayOutputStream();
    final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();
    final AtomicInteger mostOpenAtOnce = new AtomicInteger();
    /** The first reply a client gets; "421 ..." turns every client away. */
    volatile String greeting = "220 receiver.test ESMTP scripted";
    /** How long DATA takes to answer: a slow server, so deliveries overlap. */
    volatile long dataDelayMillis;
    private final Thread acceptor;

    ScriptedReceiver(InetAddress address, int port, SSLContext tls, List<String> extensions,
            Function<String, String> rcptAnswer, IntFunction<DataAnswer> dataAnswer) throws IOException {
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(address, port));
        this.tls = tls;
        this.extensions = List.copyOf(extensions);
        this.rcptAnswer = rcptAnswer;
        this.dataAnswer = dataAnswer;
        this.acceptor = Thread.ofVirtual().start(this::acceptLoop);
    }

    /** Accepts everything, offers PIPELINING, 8BITMIME, SIZE and (with a context) STARTTLS. */
    static ScriptedReceiver accepting(InetAddress address, int port, SSLContext tls) throws IOException {
        return new ScriptedReceiver(address, port, tls, List.of("PIPELINING", "8BITMIME", "SIZE 10000000"),
                rcpt -> "250 2.1.5 ok", n -> new DataAnswer.ReplyWith("250 2.0.0 queued as T" + n));
    }

    int port() {
        return server.getLocalPort();
    }

    /** Opens receivers, all on {@code port}, on several addresses; closes those it opened when one cannot bind. */
    interface OnPort {
        void open(int port) throws IOException;
    }

    /**
     * Runs {@code receivers} with a port the system picked as free; when the port is taken on one
     * of their other addresses, tries another (each try cleans up after itself). No port is borrowed.
     */
    static int onOnePort(OnPort receivers) throws IOException {
        for (int attempt = 1; ; attempt++) {
            int port;
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = probe.getLocalPort();
            }
            try {
                receivers.open(port);
                return port;
            } catch (java.net.BindException taken) {
                if (attempt == 20) {
                    throw taken;
                }
            }
        }
    }

    /** Closes each receiver that is not null. */
    static void closeAll(ScriptedReceiver... receivers) throws IOException {
        for (ScriptedReceiver r : receivers) {
            if (r != null) {
                r.close();
            }
        }
    }

    /** Whether this machine can listen on the address at all (a machine may have no IPv6 loopback). */
    static boolean canListenOn(InetAddress address) {
        try (ServerSocket probe = new ServerSocket(0, 1, address)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Every byte clients sent so far, over all connections (inside TLS: the plaintext). */
    byte[] wire() {
        synchronized (wire) {
            return wire.toByteArray();
        }
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                Thread.ofVirtual().start(() -> serve(socket));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        connections.incrementAndGet();
        mostOpenAtOnce.accumulateAndGet(open.incrementAndGet(), Math::max);
        try (Socket s = socket) {
            Session session = new Session(s);
            session.run();
        } catch (IOException | InterruptedException dropped) {
            // the client went away, or we hung up on purpose
        } finally {
            open.decrementAndGet();
        }
    }

    private final class Session {
        private Socket socket;
        private InputStream in;
        private OutputStream out;
        private boolean secure;
        private String helo = "";
        private String mailFrom;
        private final List<String> rcpts = new ArrayList<>();
        private final ByteArrayOutputStream chunks = new ByteArrayOutputStream();

        Session(Socket socket) throws IOException {
            attach(socket);
        }

        private void attach(Socket s) throws IOException {
            socket = s;
            InputStream raw = s.getInputStream();
            in = new InputStream() { // a tee into the wire record
                @Override
                public int read() throws IOException {
                    int b = raw.read();
                    if (b >= 0) {
                        synchronized (wire) {
                            wire.write(b);
                        }
                    }
                    return b;
                }
            };
            out = s.getOutputStream();
        }

        void run() throws IOException, InterruptedException {
            reply(greeting);
            if (!greeting.startsWith("220")) {
                return;
            }
            String line;
            while ((line = readLine()) != null) {
                commands.add(line);
                String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase() : line.toUpperCase();
                switch (verb) {
                    case "EHLO" -> {
                        helo = line.substring(5);
                        List<String> offered = new ArrayList<>(extensions);
                        if (tls != null && !secure) {
                            offered.add("STARTTLS");
                        }
                        StringBuilder r = new StringBuilder("250-receiver.test");
                        for (int i = 0; i < offered.size(); i++) {
                            r.append("\r\n250").append(i == offered.size() - 1 ? ' ' : '-').append(offered.get(i));
                        }
                        reply(offered.isEmpty() ? "250 receiver.test" : r.toString());
                    }
                    case "STAR" -> {
                        reply("220 2.0.0 go ahead");
                        SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(socket, null, socket.getPort(), true);
                        ssl.setUseClientMode(false);
                        ssl.startHandshake();
                        attach(ssl);
                        secure = true;
                    }
                    case "MAIL" -> {
                        mailFrom = line.substring(line.indexOf('<') + 1, line.indexOf('>'));
                        rcpts.clear();
                        reply("250 2.1.0 ok");
                    }
                    case "RCPT" -> {
                        String rcpt = line.substring(line.indexOf('<') + 1, line.indexOf('>'));
                        String answer = rcptAnswer.apply(rcpt);
                        if (answer.startsWith("2")) {
                            rcpts.add(rcpt);
                        }
                        reply(answer);
                    }
                    case "DATA" -> {
                        reply("354 go on");
                        int n = transactions.incrementAndGet();
                        DataAnswer answer = dataAnswer.apply(n);
                        if (answer instanceof DataAnswer.HangUp) {
                            readLine(); // a first line of content arrives, then we drop the connection
                            return;
                        }
                        String data = readData();
                        Thread.sleep(dataDelayMillis);
                        String text = ((DataAnswer.ReplyWith) answer).reply();
                        if (text.startsWith("2")) {
                            accepted.add(new Transaction(mailFrom, List.copyOf(rcpts), data, secure, helo));
                        }
                        reply(text);
                    }
                    case "BDAT" -> {
                        String[] words = line.split(" ");
                        chunks.write(in.readNBytes(Integer.parseInt(words[1])));
                        if (words.length < 3) {
                            reply("250 2.0.0 chunk ok");
                            continue;
                        }
                        DataAnswer answer = dataAnswer.apply(transactions.incrementAndGet());
                        String text = answer instanceof DataAnswer.ReplyWith with ? with.reply() : "451 4.3.0 no";
                        if (text.startsWith("2")) {
                            accepted.add(new Transaction(mailFrom, List.copyOf(rcpts), chunks.toString(StandardCharsets.UTF_8), secure, helo));
                        }
                        chunks.reset();
                        reply(text);
                    }
                    case "AUTH" -> {
                        if (!line.equalsIgnoreCase("AUTH LOGIN")) {
                            reply("504 5.5.4 only LOGIN here");
                            continue;
                        }
                        reply("334 VXNlcm5hbWU6");
                        String user = decode(readLine());
                        reply("334 UGFzc3dvcmQ6");
                        logins.add(user + ":" + decode(readLine()));
                        reply("235 2.7.0 ok");
                    }
                    case "RSET" -> {
                        rcpts.clear();
                        reply("250 2.0.0 ok");
                    }
                    case "QUIT" -> {
                        reply("221 2.0.0 bye");
                        return;
                    }
                    default -> reply("250 2.0.0 ok");
                }
            }
        }

        private static String decode(String base64) {
            return new String(java.util.Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
        }

        private String readData() throws IOException {
            StringBuilder data = new StringBuilder();
            String line;
            while ((line = readLine()) != null && !line.equals(".")) {
                data.append(line.startsWith(".") ? line.substring(1) : line).append("\r\n");
            }
            return data.toString();
        }

        private String readLine() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0) {
                if (b == '\n') {
                    byte[] bytes = line.toByteArray();
                    int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                    return new String(bytes, 0, n, StandardCharsets.UTF_8);
                }
                line.write(b);
            }
            return null;
        }

        private void reply(String text) throws IOException {
            out.write((text + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        acceptor.interrupt();
    }
}
