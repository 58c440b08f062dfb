package org.mailgate.smtp;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** What a server offered in its EHLO (or LHLO) reply (RFC 5321 4.1.1.1), as a client reads it. */
public record Extensions(Set<String> keywords, long maxSize, Set<String> authMechanisms) {

    /** A server that answered only HELO offers nothing. */
    public static final Extensions NONE = new Extensions(Set.of(), 0, Set.of());

    /** Parses the EHLO reply lines after the first (the greeting line names the server). */
    public static Extensions parse(List<String> lines) {
        Set<String> keywords = new HashSet<>();
        Set<String> auth = new HashSet<>();
        long maxSize = 0;
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            String[] words = line.trim().toUpperCase(Locale.ROOT).split("\\s+");
            if (words[0].isEmpty()) {
                continue;
            }
            keywords.add(words[0]);
            if (words[0].equals("SIZE") && words.length > 1 && words[1].matches("\\d{1,18}")) {
                maxSize = Long.parseLong(words[1]);
            } else if (words[0].equals("AUTH")) {
                auth.addAll(List.of(words).subList(1, words.length));
            }
        }
        return new Extensions(Set.copyOf(keywords), maxSize, Set.copyOf(auth));
    }

    public boolean has(String keyword) {
        return keywords.contains(keyword);
    }
}
