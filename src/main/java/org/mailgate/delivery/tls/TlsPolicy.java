package org.mailgate.delivery.tls;

import java.util.List;
import org.mailgate.dns.TlsaRecord;

/** How a connection to one server must, or may, be encrypted, and who said so. */
public sealed interface TlsPolicy {

    /** Whether a server without STARTTLS, or a failed handshake, stops delivery to it. */
    boolean required();

    /** The config says never to use TLS with this domain. */
    record Plaintext() implements TlsPolicy {
        public boolean required() {
            return false;
        }
    }

    /** STARTTLS when offered, certificate unchecked; plaintext when not offered (RFC 3207 as practised). */
    record Opportunistic() implements TlsPolicy {
        public boolean required() {
            return false;
        }
    }

    /** TLS with a certificate a trusted CA issued for the server's name: MTA-STS enforce or require-tls. */
    record Verified(String source) implements TlsPolicy {
        public boolean required() {
            return true;
        }
    }

    /** TLS checked against the server's DNSSEC-validated TLSA records (RFC 7672). */
    record Dane(List<TlsaRecord> records, List<String> names) implements TlsPolicy {
        public Dane {
            records = List.copyOf(records);
            names = List.copyOf(names);
        }

        public boolean required() {
            return true;
        }
    }

    /** TLS required, certificate unchecked: TLSA records exist but none is usable (RFC 7672 2.2). */
    record EncryptOnly(String source) implements TlsPolicy {
        public boolean required() {
            return true;
        }
    }

    static String describe(TlsPolicy policy) {
        return switch (policy) {
            case Plaintext p -> "plaintext by config";
            case Opportunistic o -> "opportunistic TLS";
            case Verified v -> "verified TLS (" + v.source() + ")";
            case Dane d -> "DANE";
            case EncryptOnly e -> "TLS required (" + e.source() + ")";
        };
    }
}
