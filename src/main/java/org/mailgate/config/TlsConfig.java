package org.mailgate.config;

import java.nio.file.Path;

/** Certificate chain and private key, PEM. Absent: a self-signed pair in the data directory. */
public record TlsConfig(Path certificate, Path key) {}
