package org.mailgate.delivery.tls;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The TLS contexts outbound connections use: one that accepts any certificate (opportunistic
 * TLS, where an unchecked certificate still beats plaintext), one that checks certificates
 * against the JDK's CAs and the configured extra CA file, and one per DANE connection.
 */
public final class OutboundTls {
    private final SSLContext anyCertificate;
    private final SSLContext verified;
    private final List<X509ExtendedTrustManager> authorities;

    public OutboundTls(Path extraCaFile) throws IOException {
        try {
            authorities = new ArrayList<>();
            authorities.add(trustManager(null));
            if (extraCaFile != null) {
                authorities.add(trustManager(keyStore(extraCaFile)));
            }
            verified = context(new AnyOf(authorities));
            anyCertificate = context(new Unchecked());
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up outbound TLS: " + e.getMessage(), e);
        }
    }

    public TlsSetup setup(TlsPolicy policy, String host) {
        return switch (policy) {
            case TlsPolicy.Verified v -> new TlsSetup(verified, host, true);
            case TlsPolicy.Dane d -> new TlsSetup(dane(d), host, false);
            case TlsPolicy.Opportunistic o -> new TlsSetup(anyCertificate, host, false);
            case TlsPolicy.EncryptOnly e -> new TlsSetup(anyCertificate, host, false);
            case TlsPolicy.Plaintext p -> throw new IllegalArgumentException("no TLS for a plaintext policy");
        };
    }

    /** For HTTPS fetches (MTA-STS policies): CA-verified, name-checked. */
    public SSLContext verifiedContext() {
        return verified;
    }

    private SSLContext dane(TlsPolicy.Dane policy) {
        try {
            return context(new Checked() {
                @Override
                void check(X509Certificate[] chain) throws CertificateException {
                    DaneVerifier.verify(chain, policy.records(), policy.names());
                }
            });
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TLS is unavailable in this JDK", e);
        }
    }

    private static SSLContext context(TrustManager trust) throws GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {trust}, null);
        return context;
    }

    private static X509ExtendedTrustManager trustManager(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509ExtendedTrustManager extended) {
                return extended;
            }
        }
        throw new GeneralSecurityException("no X509 trust manager");
    }

    private static KeyStore keyStore(Path pemFile) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(pemFile)) {
            int n = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca-" + n++, certificate);
            }
            if (n == 0) {
                throw new IOException(pemFile + ": no certificates in the CA file");
            }
        }
        return store;
    }

    /** A server trust manager that runs one check on the chain, whatever the call. */
    private abstract static class Checked extends X509ExtendedTrustManager {
        abstract void check(X509Certificate[] chain) throws CertificateException;

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            throw new CertificateException("not a server");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            throw new CertificateException("not a server");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("not a server");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    /** Opportunistic TLS: encryption against passive eavesdroppers, no authentication. */
    private static final class Unchecked extends Checked {
        @Override
        void check(X509Certificate[] chain) {
            // accepted by design: RFC 7435 opportunistic security
        }
    }

    /** Trusted when any of the CA sets trusts the chain; the JDK's own managers also check the name. */
    private static final class AnyOf extends Checked {
        private final List<X509ExtendedTrustManager> managers;

        AnyOf(List<X509ExtendedTrustManager> managers) {
            this.managers = List.copyOf(managers);
        }

        @Override
        void check(X509Certificate[] chain) throws CertificateException {
            throw new CertificateException("called without the connection to check the name against");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            firstThatTrusts(manager -> manager.checkServerTrusted(chain, authType, socket));
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            firstThatTrusts(manager -> manager.checkServerTrusted(chain, authType, engine));
        }

        private interface Check {
            void run(X509ExtendedTrustManager manager) throws CertificateException;
        }

        private void firstThatTrusts(Check check) throws CertificateException {
            CertificateException first = null;
            for (X509ExtendedTrustManager manager : managers) {
                try {
                    check.run(manager);
                    return;
                } catch (CertificateException e) {
                    first = first == null ? e : first;
                }
            }
            throw first;
        }
    }
}
