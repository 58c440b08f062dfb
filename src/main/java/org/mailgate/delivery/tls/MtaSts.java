package org.mailgate.delivery.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.mailgate.mail.CertificateNames;
import org.mailgate.config.AddressLiteral;
import org.mailgate.dns.DnsAnswer;
import org.mailgate.dns.HostAddresses;
import org.mailgate.dns.Resolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SMTP MTA Strict Transport Security (RFC 8461): a domain announces a policy in a TXT record at
 * {@code _mta-sts.domain} and serves it over HTTPS at {@code mta-sts.domain}. Policies are cached
 * by id until max_age, across restarts; a failed fetch falls back to the cached policy (RFC 8461 5.1).
 */
public final class MtaSts {
    private static final Logger log = LoggerFactory.getLogger(MtaSts.class);
    private static final int MAX_POLICY_BYTES = 64 * 1024;
    private static final Pattern TXT_ID = Pattern.compile("(?:^|;)\\s*id=([A-Za-z0-9]{1,32})\\s*(?:;|$)");

    public enum Mode { ENFORCE, TESTING, NONE }

    public record Policy(String id, Mode mode, List<String> mx, Instant expires) {
        public boolean allows(String host) {
            return mx.stream().anyMatch(pattern -> CertificateNames.matches(pattern, host));
        }
    }

    private final Resolver dns;
    private final OutboundTls tls;
    private final int port;
    private final Duration timeout;
    private final Clock clock;
    private final MtaStsCache cache;

    public MtaSts(Resolver dns, OutboundTls tls, int port, Duration timeout, Clock clock, MtaStsCache cache) {
        this.dns = dns;
        this.tls = tls;
        this.port = port;
        this.timeout = timeout;
        this.clock = clock;
        this.cache = cache;
    }

    /** The domain's policy in force, if it has one. */
    public Optional<Policy> policy(String domain) {
        if (AddressLiteral.parse(domain).isPresent()) {
            return Optional.empty(); // RFC 8461 policies belong to domains: "[192.0.2.1]" has no _mta-sts to ask
        }
        Policy cached = cache.get(domain, clock.instant()).orElse(null);
        Optional<String> id;
        try {
            id = announcedId(domain);
        } catch (IOException e) {
            log.info("MTA-STS TXT lookup for {} failed ({}); {}", domain, e.getMessage(), cached == null ? "no policy" : "using the cached one");
            return Optional.ofNullable(cached);
        }
        if (id.isEmpty() || cached != null && cached.id().equals(id.get())) {
            return Optional.ofNullable(cached);
        }
        try {
            Policy fetched = parse(id.get(), fetch(domain));
            cache.put(domain, fetched);
            log.info("MTA-STS policy for {}: {} mode, mx {}", domain, fetched.mode(), fetched.mx());
            return Optional.of(fetched);
        } catch (IOException e) {
            log.warn("MTA-STS policy fetch for {} failed: {}; {}", domain, e.getMessage(), cached == null ? "no policy" : "using the cached one");
            return Optional.ofNullable(cached);
        }
    }

    private Optional<String> announcedId(String domain) throws IOException {
        DnsAnswer<String> answer = dns.txt("_mta-sts." + domain);
        if (answer.failed()) {
            throw new IOException(answer.failure());
        }
        // RFC 8461 3.1: exactly one record starting with v=STSv1, else no policy
        List<String> records = answer.records().stream()
                .filter(text -> text.startsWith("v=STSv1;") || text.equals("v=STSv1")).toList();
        if (records.size() != 1) {
            return Optional.empty();
        }
        Matcher m = TXT_ID.matcher(records.get(0));
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /**
     * GET https://mta-sts.domain/.well-known/mta-sts.txt. Written on the socket because the host must
     * resolve through the same DNS as the mail (java.net.http takes no resolver), and RFC 8461 3.3
     * wants one plain GET: no redirects, no caching headers, a verified certificate.
     */
    private String fetch(String domain) throws IOException {
        String host = "mta-sts." + domain;
        HostAddresses found = HostAddresses.lookup(dns, host);
        if (found.addresses().isEmpty()) {
            throw new IOException(found.error());
        }
        IOException last = null;
        for (InetAddress address : found.addresses()) {
            try (Socket plain = new Socket()) {
                plain.connect(new InetSocketAddress(address, port), (int) timeout.toMillis());
                plain.setSoTimeout((int) timeout.toMillis());
                try (SSLSocket socket = (SSLSocket) tls.verifiedContext().getSocketFactory().createSocket(plain, host, port, true)) {
                    SSLParameters parameters = socket.getSSLParameters();
                    parameters.setServerNames(List.of(new SNIHostName(host)));
                    parameters.setEndpointIdentificationAlgorithm("HTTPS");
                    socket.setSSLParameters(parameters);
                    OutputStream out = socket.getOutputStream();
                    out.write(("GET /.well-known/mta-sts.txt HTTP/1.0\r\nHost: " + host + "\r\nUser-Agent: Mailgate\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    InputStream in = socket.getInputStream();
                    byte[] response = in.readNBytes(MAX_POLICY_BYTES + 4096);
                    return body(response, host);
                }
            } catch (IOException e) {
                last = e;
            }
        }
        throw last;
    }

    private static String body(byte[] response, String host) throws IOException {
        String text = new String(response, StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new IOException(host + ": incomplete HTTP response");
        }
        String[] head = text.substring(0, end).split("\r\n");
        if (!head[0].matches("HTTP/1\\.[01] 200 .*|HTTP/1\\.[01] 200")) {
            throw new IOException(host + ": HTTP status " + head[0]);
        }
        boolean plainText = false;
        for (String field : head) {
            if (field.toLowerCase(Locale.ROOT).matches("content-type:\\s*text/plain.*")) {
                plainText = true;
            }
        }
        if (!plainText) {
            throw new IOException(host + ": policy is not text/plain");
        }
        return text.substring(end + 4);
    }

    /** RFC 8461 3.2: "key: value" lines; version, mode and max_age required; mx repeated. */
    public Policy parse(String id, String body) throws IOException {
        Mode mode = null;
        long maxAge = -1;
        boolean version = false;
        List<String> mx = new ArrayList<>();
        for (String line : body.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).strip();
            String value = line.substring(colon + 1).strip();
            switch (key) {
                case "version" -> version = value.equals("STSv1");
                case "mode" -> mode = switch (value) {
                    case "enforce" -> Mode.ENFORCE;
                    case "testing" -> Mode.TESTING;
                    case "none" -> Mode.NONE;
                    default -> null;
                };
                case "max_age" -> maxAge = value.matches("\\d{1,18}") ? Long.parseLong(value) : -1;
                case "mx" -> mx.add(value);
                default -> { } // RFC 8461 3.2: unknown keys are ignored
            }
        }
        if (!version || mode == null || maxAge < 0 || mode != Mode.NONE && mx.isEmpty()) {
            throw new IOException("malformed MTA-STS policy");
        }
        // RFC 8461 3.2: max_age is at most 31557600 seconds
        return new Policy(id, mode, List.copyOf(mx), clock.instant().plusSeconds(Math.min(maxAge, 31_557_600)));
    }
}
