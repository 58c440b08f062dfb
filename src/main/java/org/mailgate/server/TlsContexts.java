package org.mailgate.server;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.DomainWildcardMappingBuilder;
import io.netty.util.Mapping;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLException;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.mailgate.mail.CertificateNames;
import org.mailgate.auth.FileStamp;
import org.mailgate.config.TlsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's TLS: 1.2 and 1.3 only, Mozilla "intermediate" suites, OpenSSL (BoringSSL) through
 * netty-tcnative when it loads. Each certificate serves the names it covers (its DNS subject
 * alternative names) when the client asks for one by SNI; the first is the default. The files
 * are reloaded when they change, without a restart; a broken new pair is logged and the old kept.
 */
final class TlsContexts {
    private static final Logger log = LoggerFactory.getLogger(TlsContexts.class);
    // Mozilla "intermediate" TLS 1.2 suites; TLS 1.3 suites are the provider's (all are good).
    private static final List<String> TLS12_CIPHERS = List.of(
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");

    private final TlsConfig config;
    private final long handshakeTimeoutMillis;
    private volatile Mapping<String, SslContext> byName;
    private List<FileStamp> stamps;

    private TlsContexts(TlsConfig config, long handshakeTimeoutMillis) {
        this.config = config;
        this.handshakeTimeoutMillis = handshakeTimeoutMillis;
    }

    static TlsContexts load(TlsConfig config, long handshakeTimeoutMillis) throws IOException {
        TlsContexts contexts = new TlsContexts(config, handshakeTimeoutMillis);
        contexts.stamps = contexts.stamps();
        contexts.byName = contexts.build();
        return contexts;
    }

    static SslProvider provider() {
        return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    }

    /**
     * A handler that reads the ClientHello, picks the certificate for the name asked for, and
     * replaces itself with the TLS handler. Until then writes pass in the clear, which lets the
     * 220 reply to STARTTLS out (RFC 3207).
     */
    SniHandler newHandler() {
        return new SniHandler(byName, handshakeTimeoutMillis);
    }

    /** Reloads the certificates when a file changed; true when it did. Off the event loops, one caller at a time. */
    synchronized boolean reloadIfChanged() {
        try {
            List<FileStamp> now = stamps();
            if (Objects.equals(now, stamps)) {
                return false;
            }
            stamps = now;
            byName = build();
            log.info("TLS certificates reloaded from {}", config.certificate());
            return true;
        } catch (IOException e) {
            log.error("TLS certificates not reloaded, keeping the previous ones: {}", e.getMessage());
            return false;
        }
    }

    /** The default certificate's file. */
    Path certificate() {
        return config.certificate();
    }

    private Mapping<String, SslContext> build() throws IOException {
        SslContext fallback = context(config.certificate(), config.key());
        DomainWildcardMappingBuilder<SslContext> mapping = new DomainWildcardMappingBuilder<>(fallback);
        for (TlsConfig.CertificateFiles files : config.sni()) {
            SslContext context = context(files.certificate(), files.key());
            for (String name : names(files.certificate())) {
                mapping.add(name, context);
            }
        }
        return mapping.build();
    }

    private static SslContext context(Path certificate, Path key) throws IOException {
        checkPair(certificate, key);
        try {
            return SslContextBuilder.forServer(certificate.toFile(), key.toFile())
                    .sslProvider(provider())
                    .protocols("TLSv1.3", "TLSv1.2")
                    .ciphers(TLS12_CIPHERS)
                    .build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IOException("cannot load TLS certificate " + certificate + " and key " + key + ": " + e.getMessage(), e);
        }
    }

    /**
     * Refuses a certificate and key that do not belong together: the provider would load them and
     * then fail every handshake. The key signs a probe that the certificate's public key must verify.
     */
    static void checkPair(Path certificate, Path key) throws IOException {
        PublicKey certified = firstCertificate(certificate).getPublicKey();
        PrivateKey privateKey = privateKey(key);
        String mismatch = certificate + " and key " + key + " do not belong together";
        String family = family(privateKey.getAlgorithm());
        if (!family.equals(family(certified.getAlgorithm()))) {
            throw new IOException("TLS certificate " + mismatch + " (the certificate's key is " + family(certified.getAlgorithm())
                    + ", the private key " + family + ")");
        }
        try {
            Signature signature = Signature.getInstance(switch (family) {
                case "RSA" -> "SHA256withRSA";
                case "EC" -> "SHA256withECDSA";
                default -> family; // Ed25519, Ed448
            });
            byte[] probe = "mailgate key pair check".getBytes(StandardCharsets.US_ASCII);
            signature.initSign(privateKey);
            signature.update(probe);
            byte[] signed = signature.sign();
            signature.initVerify(certified);
            signature.update(probe);
            if (!signature.verify(signed)) {
                throw new IOException("TLS certificate " + mismatch + " (the key is not the one the certificate names)");
            }
        } catch (GeneralSecurityException e) {
            throw new IOException("TLS certificate " + mismatch + ": " + e.getMessage(), e);
        }
    }

    private static String family(String algorithm) {
        return switch (algorithm) {
            case "ECDSA" -> "EC";
            case "EdDSA" -> "Ed25519";
            default -> algorithm;
        };
    }

    private static PrivateKey privateKey(Path key) throws IOException {
        try (PEMParser parser = new PEMParser(Files.newBufferedReader(key, StandardCharsets.US_ASCII))) {
            Object pem = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            return switch (pem) {
                case PrivateKeyInfo info -> converter.getPrivateKey(info);
                case PEMKeyPair pair -> converter.getKeyPair(pair).getPrivate();
                case null -> throw new IOException(key + ": no PEM private key in the file");
                default -> throw new IOException(key + ": not an unencrypted PEM private key (found " + pem.getClass().getSimpleName() + ")");
            };
        }
    }

    private static X509Certificate firstCertificate(Path certificate) throws IOException {
        try (InputStream in = Files.newInputStream(certificate)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (CertificateException e) {
            throw new IOException(certificate + ": not a PEM certificate: " + e.getMessage(), e);
        }
    }

    /** The DNS names a certificate covers: its subject alternative names, else its common name. */
    static List<String> names(Path certificate) throws IOException {
        try {
            return CertificateNames.of(firstCertificate(certificate));
        } catch (CertificateParsingException e) {
            throw new IOException(certificate + ": unreadable subject alternative names: " + e.getMessage(), e);
        }
    }

    private List<FileStamp> stamps() throws IOException {
        List<Path> files = new ArrayList<>(List.of(config.certificate(), config.key()));
        config.sni().forEach(f -> files.addAll(List.of(f.certificate(), f.key())));
        List<FileStamp> result = new ArrayList<>();
        for (Path file : files) {
            FileStamp stamp = FileStamp.of(file);
            if (stamp == null) {
                throw new IOException("TLS file missing: " + file);
            }
            result.add(stamp);
        }
        return result;
    }
}
