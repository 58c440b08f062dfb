package org.mailgate.mailauth;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * RFC 6376 3.2 tag=value lists (DKIM-Signature fields, key records; DMARC records use the same
 * form): tags in order, whitespace around names and values dropped. A tag named twice, or an
 * entry without "=", makes the whole list invalid.
 */
public record TagList(Map<String, String> tags) {

    public static Optional<TagList> parse(String text) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (String entry : text.split(";", -1)) {
            if (entry.isBlank()) {
                continue; // a trailing ";" is allowed
            }
            int equals = entry.indexOf('=');
            if (equals < 0) {
                return Optional.empty();
            }
            String name = entry.substring(0, equals).strip();
            if (name.isEmpty() || tags.putIfAbsent(name, entry.substring(equals + 1).strip()) != null) {
                return Optional.empty();
            }
        }
        return Optional.of(new TagList(tags));
    }

    public Optional<String> get(String name) {
        return Optional.ofNullable(tags.get(name));
    }

    /** A value with all whitespace removed, as base64 values (b=, bh=, p=) are read. */
    public Optional<String> compact(String name) {
        return get(name).map(v -> v.replaceAll("[ \t\r\n]", ""));
    }
}
