package org.mailgate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.Properties;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.mailgate.config.ListenerKind;
import org.mailgate.spool.QueuedMessage;
import org.junit.jupiter.api.Test;

/** A real mail client (Angus Mail, the Jakarta Mail implementation) against the running server. */
class JakartaMailSubmissionTest extends SharedServer {
    private static SSLSocketFactory trustingTestCertificate() throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null);
        try (var in = Files.newInputStream(server.certificate())) {
            trust.setCertificateEntry("server", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context.getSocketFactory();
    }

    private static Session session(String protocol, int port) throws Exception {
        Properties p = new Properties();
        p.put("mail." + protocol + ".host", "localhost");
        p.put("mail." + protocol + ".port", Integer.toString(port));
        p.put("mail." + protocol + ".auth", "true");
        p.put("mail." + protocol + ".ssl.socketFactory", trustingTestCertificate());
        p.put("mail." + protocol + ".ssl.checkserveridentity", "true");
        p.put("mail." + protocol + ".timeout", "10000");
        if (protocol.equals("smtp")) {
            p.put("mail.smtp.starttls.enable", "true");
            p.put("mail.smtp.starttls.required", "true");
        } else {
            p.put("mail.smtps.ssl.enable", "true");
        }
        return Session.getInstance(p);
    }

    private static MimeMessage message(Session session, String from, String subject) throws MessagingException {
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress(from));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress("carol@remote.example"));
        message.setSubject(subject);
        message.setText("Hello from Jakarta Mail.\n");
        return message;
    }

    private static void send(String protocol, int port, MimeMessage message, String user, String password) throws Exception {
        try (Transport transport = message.getSession().getTransport(protocol)) {
            transport.connect(user, password);
            transport.sendMessage(message, message.getAllRecipients());
        }
    }

    private static QueuedMessage queued(String subject) throws Exception {
        for (QueuedMessage m : server.queue()) {
            if (server.content(m.id()).contains("Subject: " + subject)) {
                return m;
            }
        }
        throw new AssertionError("no queued message with subject " + subject);
    }

    @Test
    void startTlsThenAuthOnSubmission() throws Exception {
        Session session = session("smtp", server.port(ListenerKind.SUBMISSION));
        send("smtp", 0, message(session, "alice@example.com", "starttls"), "alice@example.com", "secret");
        QueuedMessage m = queued("starttls");
        assertThat(m.envelope().authenticatedUser()).contains("alice@example.com");
        assertThat(m.envelope().protocol()).isEqualTo("ESMTPSA");
        assertThat(m.envelope().recipients()).extracting(r -> r.address().toString()).containsExactly("carol@remote.example");
        assertThat(server.content(m.id())).startsWith("Received: from ").contains("with ESMTPSA id " + m.id());
    }

    @Test
    void implicitTlsOnSubmissions() throws Exception {
        Session session = session("smtps", server.port(ListenerKind.SUBMISSIONS));
        send("smtps", 0, message(session, "sales@example.com", "implicit"), "alice@example.com", "secret");
        assertThat(queued("implicit").envelope().sender()).contains(org.mailgate.mail.Mailbox.stored("sales@example.com"));
    }

    @Test
    void wrongPasswordIsRefused() throws Exception {
        Session session = session("smtp", server.port(ListenerKind.SUBMISSION));
        assertThatThrownBy(() -> send("smtp", 0, message(session, "alice@example.com", "x"), "alice@example.com", "wrong"))
                .isInstanceOf(jakarta.mail.AuthenticationFailedException.class).hasMessageContaining("535 5.7.8");
    }

    @Test
    void sendingAsSomeoneElseIsRefused() throws Exception {
        Session session = session("smtp", server.port(ListenerKind.SUBMISSION));
        assertThatThrownBy(() -> send("smtp", 0, message(session, "bob@example.org", "spoof"), "alice@example.com", "secret"))
                .isInstanceOf(SMTPSendFailedException.class).hasMessageContaining("553 5.7.1");
    }
}
