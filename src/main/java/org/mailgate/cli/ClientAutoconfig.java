package org.mailgate.cli;

import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.mailgate.config.HttpConfig;
import org.mailgate.config.ListenerKind;
import org.mailgate.server.SmtpServer;

/**
 * Thunderbird's autoconfiguration document (config-v1.1.xml, also read by K-9/Thunderbird for
 * Android, Evolution and others): our domains, and the submission listeners a client should
 * use, implicit TLS (465) first as RFC 8314 advises, then STARTTLS; the user name is the address.
 * Incoming mail is the IMAP server [http] names, when it names one.
 */
final class ClientAutoconfig {
    private ClientAutoconfig() {}

    /** The document for a server called {@code hostname} with these listeners (as bound), the local domains being {@code domains}. */
    static String document(String hostname, List<SmtpServer.Bound> listeners, Set<String> domains, HttpConfig http) {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<clientConfig version=\"1.1\">\n");
        Set<String> sorted = new TreeSet<>(domains);
        String id = sorted.isEmpty() ? hostname : sorted.iterator().next();
        xml.append("  <emailProvider id=\"").append(escape(id)).append("\">\n");
        for (String domain : sorted) {
            xml.append("    <domain>").append(escape(domain)).append("</domain>\n");
        }
        xml.append("    <displayName>").append(escape(id)).append(" (Mailgate)</displayName>\n");
        xml.append("    <displayShortName>").append(escape(id)).append("</displayShortName>\n");
        if (!http.imapHost().isEmpty()) {
            server(xml, "incomingServer", "imap", http.imapHost(), http.imapPort(), "SSL");
        }
        List<SmtpServer.Bound> submission = listeners.stream().filter(l -> l.listener().kind() != ListenerKind.INBOUND)
                .sorted(Comparator.comparing(l -> l.listener().kind() != ListenerKind.SUBMISSIONS)).toList();
        for (SmtpServer.Bound listener : submission) {
            server(xml, "outgoingServer", "smtp", hostname, listener.address().getPort(),
                    listener.listener().kind() == ListenerKind.SUBMISSIONS ? "SSL" : "STARTTLS");
        }
        return xml.append("  </emailProvider>\n</clientConfig>\n").toString();
    }

    private static void server(StringBuilder xml, String element, String type, String host, int port, String socketType) {
        xml.append("    <").append(element).append(" type=\"").append(type).append("\">\n")
                .append("      <hostname>").append(escape(host)).append("</hostname>\n")
                .append("      <port>").append(port).append("</port>\n")
                .append("      <socketType>").append(socketType).append("</socketType>\n")
                .append("      <authentication>password-cleartext</authentication>\n")
                .append("      <username>%EMAILADDRESS%</username>\n")
                .append("    </").append(element).append(">\n");
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
