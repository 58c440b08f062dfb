package org.mailgate.delivery.tls;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import org.mailgate.mail.CertificateNames;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.mailgate.dns.TlsaRecord;

/**
 * Checks a server's certificate chain against its TLSA records for SMTP (RFC 7672 3.1): DANE-EE(3)
 * matches the server's own certificate or key, with no name or date checks; DANE-TA(2) matches a
 * CA certificate in the chain, which must then lead to the server certificate, valid and issued
 * for one of the names. PKIX-TA(0) and PKIX-EE(1) are unusable for SMTP and never match.
 */
public final class DaneVerifier {
    private DaneVerifier() {}

    public static void verify(X509Certificate[] chain, List<TlsaRecord> records, List<String> names) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("DANE: the server sent no certificate");
        }
        for (TlsaRecord record : records) {
            if (record.usage() == TlsaRecord.DANE_EE && matches(record, chain[0])) {
                return;
            }
        }
        for (TlsaRecord record : records) {
            if (record.usage() != TlsaRecord.DANE_TA) {
                continue;
            }
            for (int i = 1; i < chain.length; i++) {
                if (matches(record, chain[i]) && chainsTo(chain, i) && nameMatches(chain[0], names)) {
                    return;
                }
            }
        }
        throw new CertificateException("DANE: no TLSA record matches the certificate of " + names.get(0));
    }

    public static boolean hasUsable(List<TlsaRecord> records) {
        return records.stream().anyMatch(r -> (r.usage() == TlsaRecord.DANE_EE || r.usage() == TlsaRecord.DANE_TA)
                && r.selector() <= 1 && r.matchingType() <= 2);
    }

    private static boolean matches(TlsaRecord record, X509Certificate certificate) {
        try {
            byte[] selected = switch (record.selector()) {
                case 0 -> certificate.getEncoded();
                case 1 -> certificate.getPublicKey().getEncoded();
                default -> null;
            };
            byte[] digest = selected == null ? null : switch (record.matchingType()) {
                case 0 -> selected;
                case 1 -> MessageDigest.getInstance("SHA-256").digest(selected);
                case 2 -> MessageDigest.getInstance("SHA-512").digest(selected);
                default -> null;
            };
            return digest != null && MessageDigest.isEqual(digest, record.data());
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** Whether chain[0 .. anchor-1] is a valid path to chain[anchor], taken as the trust anchor. */
    private static boolean chainsTo(X509Certificate[] chain, int anchor) {
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(chain[anchor], null)));
            parameters.setRevocationEnabled(false);
            CertPathValidator.getInstance("PKIX").validate(
                    factory.generateCertPath(Arrays.asList(chain).subList(0, anchor)), parameters);
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** RFC 6125 DNS-ID matching, against the certificate's dNSNames. */
    private static boolean nameMatches(X509Certificate certificate, List<String> names) {
        try {
            return CertificateNames.dnsNames(certificate).stream().anyMatch(dnsName -> names.stream().anyMatch(n -> CertificateNames.matches(dnsName, n)));
        } catch (CertificateParsingException e) {
            return false;
        }
    }
}
