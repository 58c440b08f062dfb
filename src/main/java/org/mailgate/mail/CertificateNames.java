package org.mailgate.mail;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.security.auth.x500.X500Principal;

/**
 * The DNS names a server certificate is for, and whether one of them names a host (RFC 6125):
 * one place for the listeners' SNI, the self-signed certificate, DANE and MTA-STS checks, and
 * the probe's and the audit's reports.
 */
public final class CertificateNames {
    private CertificateNames() {}

    /** The dNSNames of the subjectAltName (RFC 5280 4.2.1.6), lowercase; empty when there are none. */
    public static List<String> dnsNames(X509Certificate certificate) throws CertificateParsingException {
        Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
        return alternatives == null ? List.of() : alternatives.stream()
                .filter(name -> name.get(0) instanceof Integer type && type == 2 && name.get(1) instanceof String)
                .map(name -> ((String) name.get(1)).toLowerCase(Locale.ROOT)).toList();
    }

    /** The dNSNames, else the subject's common names (what older certificates carry), lowercase. */
    public static List<String> of(X509Certificate certificate) throws CertificateParsingException {
        List<String> names = new ArrayList<>(dnsNames(certificate));
        if (names.isEmpty()) {
            for (String part : certificate.getSubjectX500Principal().getName(X500Principal.RFC2253).split(",")) {
                if (part.startsWith("CN=")) {
                    names.add(part.substring(3).toLowerCase(Locale.ROOT));
                }
            }
        }
        return names;
    }

    /** RFC 6125 6.4: the name itself, or a wildcard standing for exactly the left-most label; a trailing dot is no difference. */
    public static boolean matches(String pattern, String host) {
        String p = trimDot(pattern.toLowerCase(Locale.ROOT));
        String h = trimDot(host.toLowerCase(Locale.ROOT));
        if (p.startsWith("*.")) {
            int dot = h.indexOf('.');
            return dot > 0 && h.substring(dot + 1).equals(p.substring(2));
        }
        return p.equals(h);
    }

    private static String trimDot(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }
}
