package org.mailgate.probe;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.mailgate.mail.Reply;
import org.mailgate.smtp.Extensions;
import org.mailgate.smtp.ReplyParser;

/**
 * Offers an SMTP listener one TLS handshake with chosen versions and cipher suites (after
 * STARTTLS, or from the first byte) and tells what the server did with it: what TLS a listener
 * takes is seen on the wire, where a proxy in front can differ from Mailgate's own settings.
 */
public final class TlsOffer {
    /** What this JVM's client would offer by default that a listener should refuse: no forward secrecy, or CBC. */
    public static final List<String> WEAK_SUITES = weakSuites();

    /** What the server did with the offer. */
    public sealed interface Outcome {
        record Accepted(String protocol, String suite) implements Outcome {}

        record Refused(String reason) implements Outcome {}

        /** A STARTTLS listener that does not offer STARTTLS, or refused it: no handshake was tried. */
        record NoStartTls(String reply) implements Outcome {}
    }

    private TlsOffer() {}

    public static Outcome offer(InetSocketAddress address, boolean firstByte, Duration timeout, List<String> protocols, List<String> suites)
            throws IOException, ReplyParser.MalformedReply {
        try (Socket socket = new Socket()) {
            socket.connect(address, (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            if (!firstByte) {
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
                OutputStream out = socket.getOutputStream();
                Probe.readReply(in);
                Reply ehlo = say(in, out, "EHLO audit.invalid");
                if (ehlo.code() != 250 || !Extensions.parse(ehlo.lines()).has("STARTTLS")) {
                    return new Outcome.NoStartTls(ehlo.oneLine());
                }
                Reply go = say(in, out, "STARTTLS");
                if (go.code() != 220) {
                    return new Outcome.NoStartTls(go.oneLine());
                }
            }
            SSLSocket tls = (SSLSocket) context().getSocketFactory()
                    .createSocket(socket, address.getHostString(), address.getPort(), true);
            SSLParameters parameters = tls.getSSLParameters();
            parameters.setProtocols(protocols.toArray(String[]::new));
            parameters.setCipherSuites(suites.toArray(String[]::new));
            tls.setSSLParameters(parameters);
            try {
                tls.startHandshake();
            } catch (SSLException e) {
                return new Outcome.Refused(e.getMessage());
            }
            SSLSession session = tls.getSession();
            return new Outcome.Accepted(session.getProtocol(), session.getCipherSuite());
        }
    }

    private static Reply say(BufferedReader in, OutputStream out, String command) throws IOException, ReplyParser.MalformedReply {
        out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return Probe.readReply(in);
    }

    /** Trusts any chain: the question is which TLS the server takes, not whose certificate it holds. */
    private static SSLContext context() throws SSLException {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new AnyChain()}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new SSLException("no TLS in this Java: " + e.getMessage(), e);
        }
    }

    private static List<String> weakSuites() {
        try {
            return Arrays.stream(SSLContext.getDefault().getDefaultSSLParameters().getCipherSuites())
                    .filter(suite -> suite.startsWith("TLS_") && !suite.startsWith("TLS_EMPTY"))
                    .filter(suite -> suite.contains("_CBC_") || !(suite.startsWith("TLS_ECDHE_") || suite.startsWith("TLS_DHE_")))
                    .filter(suite -> !suite.matches("TLS_(AES|CHACHA20)_.*"))
                    .toList();
        } catch (GeneralSecurityException e) {
            return List.of();
        }
    }

    private static final class AnyChain implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            throw new UnsupportedOperationException("a TLS offer is a client");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            // Accepted on purpose: see the class comment of context().
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
