package org.mailgate.delivery;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.mailgate.delivery.tls.TlsSetup;
import org.mailgate.mail.Reply;
import org.mailgate.smtp.ReplyParser;

/**
 * One connection to a mail server, spoken to line by line. Outbound SMTP is a strict
 * request/reply dialogue, so it is written as straight-line blocking code on a virtual thread;
 * the JDK's SSLSocket hands us the peer's chain for the DANE and MTA-STS checks.
 */
final class OutboundConnection implements Closeable {
    /** RFC 5321 4.5.3.1.5 allows 512 octets per reply line; real servers send longer ones. */
    private static final int MAX_LINE = 4096;

    private final String peerName;
    private final InetSocketAddress address;
    private final Duration commandTimeout;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private String tls = "";

    private OutboundConnection(String peerName, InetSocketAddress address, Socket socket, Duration commandTimeout) throws IOException {
        this.peerName = peerName;
        this.address = address;
        this.commandTimeout = commandTimeout;
        attach(socket);
    }

    static OutboundConnection open(String peerName, InetSocketAddress address, Duration connectTimeout,
            Duration commandTimeout) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(address, (int) connectTimeout.toMillis());
            return new OutboundConnection(peerName, address, socket, commandTimeout);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    private void attach(Socket s) throws IOException {
        socket = s;
        socket.setSoTimeout((int) commandTimeout.toMillis());
        in = new BufferedInputStream(s.getInputStream());
        out = new BufferedOutputStream(s.getOutputStream(), 64 * 1024);
    }

    /** Wraps the connection in TLS (after STARTTLS, or at once for implicit TLS) and handshakes. */
    void startTls(TlsSetup setup) throws IOException {
        SSLSocket ssl = (SSLSocket) setup.context().getSocketFactory().createSocket(socket, peerName, address.getPort(), true);
        SSLParameters parameters = ssl.getSSLParameters();
        parameters.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
        if (setup.sniName() != null) {
            parameters.setServerNames(List.of(new SNIHostName(setup.sniName())));
        }
        if (setup.checkHostname()) {
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
        }
        ssl.setSSLParameters(parameters);
        ssl.setUseClientMode(true);
        ssl.startHandshake();
        attach(ssl);
        tls = ssl.getSession().getProtocol() + " " + ssl.getSession().getCipherSuite();
    }

    /** Empty while plaintext; else protocol and cipher, for logs. */
    String tls() {
        return tls;
    }

    String peer() {
        return peerName + "[" + address.getAddress().getHostAddress() + "]:" + address.getPort();
    }

    void send(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    void sendRaw(byte[] bytes, int offset, int length) throws IOException {
        out.write(bytes, offset, length);
    }

    void flush() throws IOException {
        out.flush();
    }

    Reply readReply() throws IOException {
        ReplyParser parser = new ReplyParser();
        try {
            while (true) {
                Reply reply = parser.feed(readLine());
                if (reply != null) {
                    return reply;
                }
            }
        } catch (ReplyParser.MalformedReply e) {
            throw new IOException(peer() + ": " + e.getMessage());
        } catch (SocketTimeoutException e) {
            throw new IOException(peer() + ": no reply within " + commandTimeout.toSeconds() + "s", e);
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException(peer() + ": connection closed by the server");
            }
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, length, StandardCharsets.UTF_8);
            }
            if (line.size() >= MAX_LINE) {
                throw new IOException(peer() + ": reply line longer than " + MAX_LINE + " bytes");
            }
            line.write(b);
        }
    }

    boolean isOpen() {
        return !socket.isClosed();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a connection we are done with: nothing left to lose
        }
    }

    /** For the last words (QUIT): a server that does not answer within 5 s is not waited for. */
    void shortenTimeout() throws IOException {
        socket.setSoTimeout(5000);
    }
}
