package org.mailgate.server;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.util.List;
import javax.net.ssl.SSLException;
import org.mailgate.config.TlsConfig;

/** The server's TLS: 1.2 and 1.3 only, OpenSSL (BoringSSL) through netty-tcnative when it loads. */
final class TlsContexts {
    // Mozilla "intermediate" TLS 1.2 suites; TLS 1.3 suites are the provider's (all are good).
    private static final List<String> TLS12_CIPHERS = List.of(
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");

    private TlsContexts() {}

    static SslProvider provider() {
        return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    }

    static SslContext server(TlsConfig tls) throws IOException {
        try {
            return SslContextBuilder.forServer(tls.certificate().toFile(), tls.key().toFile())
                    .sslProvider(provider())
                    .protocols("TLSv1.3", "TLSv1.2")
                    .ciphers(TLS12_CIPHERS)
                    .build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IOException("cannot load TLS certificate " + tls.certificate() + " and key " + tls.key() + ": " + e.getMessage(), e);
        }
    }
}
