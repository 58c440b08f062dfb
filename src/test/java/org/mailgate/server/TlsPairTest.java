package org.mailgate.server;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailgate.config.TlsConfig;

class TlsPairTest {
    @TempDir
    Path dir;

    @Test
    @DisplayName("an EC certificate with an RSA key is refused, and the message says which is which")
    void keyOfAnotherAlgorithm() throws Exception {
        TlsConfig ec = SelfSignedCertificate.ensure(dir, "mail.test");
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
    void fileThatHoldsNoKey() throws Exception {
        TlsConfig ec = SelfSignedCertificate.ensure(dir, "mail.test");
        assertThatThrownBy(() -> TlsContexts.checkPair(ec.certificate(), ec.certificate())).isInstanceOf(IOException.class)
                .hasMessageContaining("not an unencrypted PEM private key");
    }
}
