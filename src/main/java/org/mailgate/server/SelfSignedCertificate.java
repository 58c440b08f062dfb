package org.mailgate.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.mailgate.mail.CertificateNames;
import org.mailgate.config.TlsConfig;
import org.mailgate.spool.PrivateFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The certificate of the embedded default: ECDSA P-256, self-signed, made once per data
 * directory, and again when the hostname it names is no longer the server's.
 */
final class SelfSignedCertificate {
    private static final Logger log = LoggerFactory.getLogger(SelfSignedCertificate.class);

    private SelfSignedCertificate() {}

    /** Returns the data directory's pair, generating it on first use. */
    /** The DNS names of a certificate's subjectAltName, lowercase; empty when it cannot be read (so a new one is made). */
    private static List<String> names(Path certificate) {
        try (InputStream in = Files.newInputStream(certificate)) {
            return CertificateNames.dnsNames((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
        } catch (IOException | GeneralSecurityException e) {
            log.warn("the self-signed certificate {} cannot be read ({}): making a new one", certificate, e.getMessage());
            return List.of();
        }
    }

    static TlsConfig ensure(Path dataDir, String hostname, Clock clock) throws IOException {
        Path dir = PrivateFiles.directories(dataDir.resolve("tls"));
        Path certificate = dir.resolve("self-signed-cert.pem");
        Path key = dir.resolve("self-signed-key.pem");
        if (Files.exists(certificate) && Files.exists(key)) {
            if (names(certificate).contains(hostname.toLowerCase(Locale.ROOT))) {
                return new TlsConfig(certificate, key);
            }
            log.info("the self-signed certificate names {}, not the hostname {}: making a new one", names(certificate), hostname);
        }
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = generator.generateKeyPair();
            Instant now = clock.instant();
            X500Name subject = new X500Name("CN=" + hostname);
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                    new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofDays(1))),
                    Date.from(now.plus(Duration.ofDays(825))), subject, pair.getPublic());
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, hostname),
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                new GeneralName(GeneralName.iPAddress, "::1")}));
            X509CertificateHolder holder = builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate()));
            Path keyTemporary = dir.resolve("self-signed-key.pem.tmp");
            Files.deleteIfExists(keyTemporary);
            Files.createFile(keyTemporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            writePem(keyTemporary, new JcaPKCS8Generator(pair.getPrivate(), null).generate());
            Files.move(keyTemporary, key, StandardCopyOption.REPLACE_EXISTING);
            writePem(certificate, holder);
            return new TlsConfig(certificate, key);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot generate a self-signed certificate", e);
        }
    }

    private static void writePem(Path file, Object object) throws IOException {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII);
                JcaPEMWriter pem = new JcaPEMWriter(out)) {
            pem.writeObject(object);
        }
    }
}
