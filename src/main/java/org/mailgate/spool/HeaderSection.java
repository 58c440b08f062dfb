package org.mailgate.spool;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The header fields of a message (RFC 5322 2.2), unfolded, for the checks made on submission. */
public final class HeaderSection {
    private final List<String[]> fields = new ArrayList<>();

    /** Parses a header section (without the empty line that ends it). */
    public static HeaderSection parse(byte[] bytes) {
        HeaderSection section = new HeaderSection();
        String text = new String(bytes, StandardCharsets.UTF_8);
        StringBuilder current = null;
        for (String line : text.split("\r\n", -1)) {
            if (!line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t') && current != null) {
                current.append(line); // RFC 5322 2.2.3 unfolding
                continue;
            }
            section.add(current);
            current = line.isEmpty() ? null : new StringBuilder(line);
        }
        section.add(current);
        return section;
    }

    private void add(StringBuilder field) {
        if (field == null) {
            return;
        }
        int colon = field.indexOf(":");
        if (colon > 0) {
            fields.add(new String[] {field.substring(0, colon).strip().toLowerCase(Locale.ROOT), field.substring(colon + 1).strip()});
        }
    }

    public boolean has(String name) {
        return fields.stream().anyMatch(f -> f[0].equalsIgnoreCase(name));
    }

    public List<String> values(String name) {
        return fields.stream().filter(f -> f[0].equalsIgnoreCase(name)).map(f -> f[1]).toList();
    }

    /** The addresses in the From fields; an unparsable From yields a list holding the raw text. */
    public List<String> fromAddresses() {
        List<String> addresses = new ArrayList<>();
        for (String value : values("From")) {
            try {
                for (InternetAddress address : InternetAddress.parseHeader(value, false)) {
                    addresses.add(address.getAddress());
                }
            } catch (AddressException unparsable) {
                addresses.add(value); // owned by nobody, so the check refuses it
            }
        }
        return addresses;
    }
}
