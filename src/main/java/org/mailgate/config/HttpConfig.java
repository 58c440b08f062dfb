package org.mailgate.config;

import java.time.Duration;

/**
 * The HTTP listener, the config file's [http] table: /metrics (Prometheus), /healthz and
 * /readyz, client autoconfiguration and our domains' MTA-STS policy. Absent from a config file,
 * there is none; the embedded default has one on loopback.
 */
public final class HttpConfig extends Settings<HttpConfig> {
    static final Table TABLE = new Table("http");

    public static final Key<String> ADDRESS = TABLE.key("address", ValueType.LISTEN_ADDRESS, "127.0.0.1");
    public static final Key<Integer> PORT = TABLE.key("port", ValueType.LISTEN_PORT, 8587);
    /** HTTPS with the [tls] certificates (SNI chooses one), as MTA-STS asks of https://mta-sts.DOMAIN/. */
    public static final Key<Boolean> TLS = TABLE.key("tls", ValueType.FLAG, false);
    /** /readyz fails when the oldest message waiting for delivery is older than this: delivery is stuck. */
    public static final Key<Duration> READY_QUEUE_AGE = TABLE.key("ready-queue-age", ValueType.DURATION, Duration.ofHours(4));

    /** The IMAP server (implicit TLS) that client autoconfiguration names for incoming mail; empty for none. */
    public static final Key<String> IMAP_HOST = TABLE.key("imap-host", ValueType.HOSTNAME, "");
    public static final Key<Integer> IMAP_PORT = TABLE.key("imap-port", ValueType.PORT, 993);

    public static final HttpConfig DEFAULTS = new HttpConfig(TABLE.defaults());

    HttpConfig(Values values) {
        super(values);
    }

    @Override
    HttpConfig copy(Values changed) {
        return new HttpConfig(changed);
    }

    public String address() {
        return get(ADDRESS);
    }

    public int port() {
        return get(PORT);
    }

    public boolean tls() {
        return get(TLS);
    }

    public Duration readyQueueAge() {
        return get(READY_QUEUE_AGE);
    }

    public String imapHost() {
        return get(IMAP_HOST);
    }

    public int imapPort() {
        return get(IMAP_PORT);
    }
}
