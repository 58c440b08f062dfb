package org.mailgate.config;

import java.nio.file.Path;
import java.util.List;

/**
 * Certificate chain and private key, PEM. Absent: a self-signed pair in the data directory.
 *
 * @param sni more certificates, each chosen when the client asks (SNI) for a name it covers
 */
public record TlsConfig(Path certificate, Path key, List<CertificateFiles> sni) {

    public record CertificateFiles(Path certificate, Path key) {}

    public TlsConfig {
        sni = List.copyOf(sni);
    }

    public TlsConfig(Path certificate, Path key) {
        this(certificate, key, List.of());
    }
}
