package org.mailgate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailgate.config.TlsConfig;
import org.mailgate.testing.ManualClock;

class TlsPairTest {
    @TempDir
    Path dir;

    @Test
    @DisplayName("an EC certificate with an RSA key is refused, and the message says which is which")
    void keyOfAnotherAlgorithm() throws Exception {
        TlsConfig ec = SelfSignedCertificate.ensure(dir, "mail.test", Clock.systemUTC());
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        Path rsaKey = dir.resolve("rsa.pem");
        try (Writer out = Files.newBufferedWriter(rsaKey); JcaPEMWriter pem = new JcaPEMWriter(out)) {
            pem.writeObject(new JcaPKCS8Generator(rsa.generateKeyPair().getPrivate(), null));
        }
        assertThatThrownBy(() -> TlsContexts.checkPair(ec.certificate(), rsaKey)).isInstanceOf(IOException.class)
                .hasMessageEndingWith("do not belong together (the certificate's key is EC, the private key RSA)");
    }

    @Test
    @DisplayName("the self-signed certificate is valid from a day before the clock's now for 825 days")
    void selfSignedValidityFollowsTheClock() throws Exception {
        Instant now = Instant.parse("2031-06-01T12:00:00Z");
        TlsConfig made = SelfSignedCertificate.ensure(dir, "mail.test", new ManualClock(now));
        X509Certificate certificate;
        try (InputStream in = Files.newInputStream(made.certificate())) {
            certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        assertThat(certificate.getNotBefore().toInstant()).isEqualTo(now.minus(Duration.ofDays(1)));
        assertThat(certificate.getNotAfter().toInstant()).isEqualTo(now.plus(Duration.ofDays(825)));
    }

    @Test
    void fileThatHoldsNoKey() throws Exception {
        TlsConfig ec = SelfSignedCertificate.ensure(dir, "mail.test", Clock.systemUTC());
        assertThatThrownBy(() -> TlsContexts.checkPair(ec.certificate(), ec.certificate())).isInstanceOf(IOException.class)
                .hasMessageContaining("not an unencrypted PEM private key");
    }
}
