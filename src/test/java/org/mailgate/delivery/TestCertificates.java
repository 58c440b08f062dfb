package org.mailgate.delivery;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Certificates made for the tests: a CA, server certificates it issues, and self-signed ones. */
public final class TestCertificates {
    private static long serial = System.nanoTime();

    /** A key and its certificate chain, leaf first. */
    public record Identity(KeyPair keys, X509Certificate[] chain) {
        SSLContext serverContext() throws Exception {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("server", keys.getPrivate(), new char[0], chain);
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, new char[0]);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(factory.getKeyManagers(), null, null);
            return context;
        }

        public X509Certificate certificate() {
            return chain[0];
        }

        /** The chain, leaf first, as a fullchain.pem. */
        public Path writeChain(Path file) throws IOException {
            StringWriter text = new StringWriter();
            try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
                for (X509Certificate certificate : chain) {
                    pem.writeObject(certificate);
                }
            }
            return Files.writeString(file, text.toString());
        }

        /** The private key, PKCS#8 PEM. */
        public Path writeKey(Path file) throws IOException {
            StringWriter text = new StringWriter();
            try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
                pem.writeObject(new JcaPKCS8Generator(keys.getPrivate(), null));
            }
            return Files.writeString(file, text.toString());
        }
    }

    private TestCertificates() {}

    public static Identity authority(String name) throws Exception {
        KeyPair keys = keys();
        return new Identity(keys, new X509Certificate[] {sign(new String[] {name}, keys, name, keys.getPrivate(), true)});
    }

    public static Identity issued(Identity ca, String... hosts) throws Exception {
        KeyPair keys = keys();
        X509Certificate leaf = sign(hosts, keys, ca.certificate().getSubjectX500Principal().getName().substring(3), ca.keys().getPrivate(), false);
        return new Identity(keys, new X509Certificate[] {leaf, ca.certificate()});
    }

    public static Identity selfSigned(String host) throws Exception {
        KeyPair keys = keys();
        return new Identity(keys, new X509Certificate[] {sign(new String[] {host}, keys, host, keys.getPrivate(), false)});
    }

    public static Path writePem(X509Certificate certificate, Path file) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
            pem.writeObject(certificate);
        }
        return Files.writeString(file, text.toString());
    }

    private static KeyPair keys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        return generator.generateKeyPair();
    }

    private static synchronized X509Certificate sign(String[] names, KeyPair subjectKeys, String issuer,
            java.security.PrivateKey issuerKey, boolean ca) throws Exception {
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name("CN=" + issuer),
                BigInteger.valueOf(serial++), Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(30))),
                new X500Name("CN=" + names[0]), subjectKeys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        if (!ca) {
            GeneralName[] alternatives = new GeneralName[names.length];
            for (int i = 0; i < names.length; i++) {
                alternatives[i] = new GeneralName(GeneralName.dNSName, names[i]);
            }
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(alternatives));
        }
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
    }
}
