package org.mailgate.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/** A raw-socket SMTP client for tests where the exact bytes matter. */
final class SmtpClient implements AutoCloseable {
    private Socket socket;
    private BufferedReader in;
    private OutputStream out;
    private final Path trustedCertificate;

    SmtpClient(int port, Path trustedCertificate) throws IOException {
        this(port, trustedCertificate, "127.0.0.1");
    }

    /** Connects from {@code localAddress}: any of 127.0.0.0/8 is a distinct client to the server. */
    SmtpClient(int port, Path trustedCertificate, String localAddress) throws IOException {
        this.trustedCertificate = trustedCertificate;
        socket = new Socket();
        socket.bind(new java.net.InetSocketAddress(localAddress, 0));
        socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 10_000);
        socket.setSoTimeout(10_000);
        streams();
    }

    static SmtpClient implicitTls(int port, Path trustedCertificate) throws IOException {
        SmtpClient client = new SmtpClient(port, trustedCertificate);
        client.upgrade();
        return client;
    }

    private void streams() throws IOException {
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        out = socket.getOutputStream();
    }

    /** Reads one whole reply (all its lines), joined by newlines. */
    String reply() throws IOException {
        StringBuilder reply = new StringBuilder();
        while (true) {
            String line = in.readLine();
            if (line == null) {
                throw new IOException("connection closed; so far: " + reply);
            }
            reply.append(reply.isEmpty() ? "" : "\n").append(line);
            if (line.length() < 4 || line.charAt(3) == ' ') {
                return reply.toString();
            }
        }
    }

    void write(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Sends one command line and returns the reply. */
    String command(String line) throws IOException {
        write(line + "\r\n");
        return reply();
    }

    /** True when a reply (or part of one) is waiting to be read, without blocking. */
    boolean hasReply() throws IOException {
        return in.ready() || socket.getInputStream().available() > 0;
    }

    /** True when the server closed the connection (EOF) within the socket timeout. */
    boolean closedByServer() throws IOException {
        try {
            return in.read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    /** Starts TLS on the current connection, trusting only the server's test certificate. */
    void upgrade() throws IOException {
        try {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null);
            try (var certificate = Files.newInputStream(trustedCertificate)) {
                trust.setCertificateEntry("server", (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(certificate));
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(socket, "localhost", socket.getPort(), true);
            tls.startHandshake();
            socket = tls;
            streams();
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    /** EHLO, STARTTLS, EHLO, AUTH PLAIN. */
    SmtpClient login(String user, String password) throws IOException {
        reply();
        command("EHLO client.test");
        command("STARTTLS");
        upgrade();
        command("EHLO client.test");
        String token = java.util.Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
        String reply = command("AUTH PLAIN " + token);
        if (!reply.startsWith("235")) {
            throw new IOException("login failed: " + reply);
        }
        return this;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
