package org.mailgate.message;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The header fields of a message (RFC 5322 2.2), unfolded, for the checks made on submission.
 * The content reaching here has CRLF line ends only (the SMTP decoder saw to that), so these are
 * the lines every reader sees; a line that is neither a field nor a continuation of one leaves
 * the section {@linkplain #wellFormed() ill-formed}, as readers disagree on where such a header ends.
 */
public final class HeaderSection {
    private final List<String[]> fields = new ArrayList<>();
    private boolean wellFormed = true;

    /** Who the message says wrote it (From) and sent it (Sender, or none), when every reader agrees. */
    public record Authors(List<String> from, List<String> sender) {}

    /** Parses a header section (without the empty line that ends it). */
    public static HeaderSection parse(byte[] bytes) {
        HeaderSection section = new HeaderSection();
        String text = new String(bytes, StandardCharsets.UTF_8);
        StringBuilder current = null;
        for (String line : text.split("\r\n", -1)) {
            if (!line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t')) {
                if (current == null) {
                    section.wellFormed = false; // a continuation of nothing
                } else {
                    current.append(line); // RFC 5322 2.2.3 unfolding
                }
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
        String name = colon > 0 ? field.substring(0, colon).stripTrailing() : "";
        // RFC 5322 3.6.8: field-name = 1*ftext (printable ASCII but ":"); WSP before the colon is obs-syntax
        if (name.isEmpty() || !name.chars().allMatch(c -> c > 32 && c < 127)) {
            wellFormed = false;
        }
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

    /** False when a line is neither a header field nor the continuation of one. */
    public boolean wellFormed() {
        return wellFormed;
    }

    /**
     * The From and Sender addresses, read strictly ({@link MailboxList}); empty when the header
     * section is ill-formed, a From or Sender value could be read two ways, or Sender names
     * other than one mailbox (RFC 5322 3.6.2).
     */
    public Optional<Authors> authors() {
        if (!wellFormed) {
            return Optional.empty();
        }
        Optional<List<String>> from = addresses("From");
        Optional<List<String>> sender = addresses("Sender");
        if (from.isEmpty() || sender.isEmpty() || sender.get().size() > values("Sender").size()) {
            return Optional.empty();
        }
        return Optional.of(new Authors(from.get(), sender.get()));
    }

    private Optional<List<String>> addresses(String name) {
        List<String> addresses = new ArrayList<>();
        for (String value : values(name)) {
            Optional<List<String>> parsed = MailboxList.parse(value);
            if (parsed.isEmpty()) {
                return Optional.empty();
            }
            addresses.addAll(parsed.get());
        }
        return Optional.of(addresses);
    }
}
