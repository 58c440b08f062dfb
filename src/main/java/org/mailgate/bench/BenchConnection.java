package org.mailgate.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Base64;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.mailgate.mail.Reply;

/**
 * One blocking SMTP client connection of the load generator. It does not verify certificates:
 * it measures servers, it does not carry anybody's mail.
 */
final class BenchConnection implements AutoCloseable {
    private static final SSLContext TRUST_ALL = trustAll();

    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private final StringBuilder line = new StringBuilder();
    long bytesSent;

    /** A reply: its code, and its last line for error reports. */
    record Reply(int code, String text) {
        boolean positive() {
            return code >= 200 && code < 400;
        }
    }

    /** An unexpected reply ends the session: reported by its code. */
    static final class ReplyException extends IOException {
        final int code;

        ReplyException(Reply reply) {
            super(reply.text());
            this.code = reply.code();
        }
    }

    /** @param source the local address to connect from, or null for the system's choice */
    BenchConnection(String host, int port, Security security, String source, int timeoutMillis) throws IOException {
        socket = new Socket();
        if (source != null) {
            socket.bind(new InetSocketAddress(source, 0));
        }
        socket.setTcpNoDelay(true);
        // Close with a reset, as load generators do: tens of thousands of connections in
        // TIME_WAIT would exhaust the loopback's ephemeral ports and slow every later run.
        socket.setSoLinger(true, 0);
        socket.setSoTimeout(timeoutMillis);
        socket.connect(new InetSocketAddress(host, port), timeoutMillis);
        if (security == Security.IMPLICIT) {
            startTls(host, port);
        } else {
            streams();
        }
    }

    private void streams() throws IOException {
        in = new BufferedInputStream(socket.getInputStream(), 8192);
        out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
    }

    private void startTls(String host, int port) throws IOException {
        SSLSocket tls = (SSLSocket) TRUST_ALL.getSocketFactory().createSocket(socket, host, port, true);
        tls.startHandshake();
        socket = tls;
        streams();
    }

    /** Greeting, EHLO, STARTTLS and EHLO again when asked, AUTH PLAIN when a user is given. */
    void open(BenchOptions options) throws IOException {
        expect(read(), 220);
        expect(command("EHLO bench.mailgate.test"), 250);
        if (options.security() == Security.STARTTLS) {
            expect(command("STARTTLS"), 220);
            startTls(options.host(), options.port());
            expect(command("EHLO bench.mailgate.test"), 250);
        }
        if (options.user() != null) {
            String token = Base64.getEncoder().encodeToString(
                    ("\0" + options.user() + "\0" + options.password()).getBytes(StandardCharsets.UTF_8));
            expect(command("AUTH PLAIN " + token), 235);
        }
    }

    /** MAIL, RCPT and DATA pipelined (RFC 2920), then the content; returns once the 250 arrives. */
    void sendMessage(String from, String to, byte[] content) throws IOException {
        write("MAIL FROM:<" + from + ">\r\nRCPT TO:<" + to + ">\r\nDATA\r\n");
        out.flush();
        expect(read(), 250);
        expect(read(), 250);
        expect(read(), 354);
        out.write(content);
        bytesSent += content.length;
        out.flush();
        expect(read(), 250);
    }

    void quit() throws IOException {
        write("QUIT\r\n");
        out.flush();
        read();
    }

    Reply command(String command) throws IOException {
        write(command + "\r\n");
        out.flush();
        return read();
    }

    private void write(String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        out.write(bytes);
        bytesSent += bytes.length;
    }

    /** Reads a whole reply, multi-line or not. */
    Reply read() throws IOException {
        while (true) {
            line.setLength(0);
            int c;
            while ((c = in.read()) != '\n') {
                if (c < 0) {
                    throw new IOException("connection closed by server");
                }
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            if (line.length() < 3) {
                throw new IOException("malformed reply: " + line);
            }
            if (line.length() == 3 || line.charAt(3) != '-') {
                int code = Integer.parseInt(line.substring(0, 3));
                return new Reply(code, line.toString());
            }
        }
    }

    private static void expect(Reply reply, int code) throws ReplyException {
        if (reply.code() != code) {
            throw new ReplyException(reply);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a bench connection that already failed: nothing to report twice
        }
    }

    private static SSLContext trustAll() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {}

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {}

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            return context;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("no TLS in this JDK", e);
        }
    }
}
