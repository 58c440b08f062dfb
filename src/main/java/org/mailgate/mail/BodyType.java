package org.mailgate.mail;

import java.util.Locale;
import java.util.Optional;

/** The body type of RFC 6152 8BITMIME, as MAIL's BODY parameter names it. */
public enum BodyType {
    SEVEN_BIT("7BIT"),
    EIGHT_BIT_MIME("8BITMIME");

    private final String keyword;

    BodyType(String keyword) {
        this.keyword = keyword;
    }

    /** "7BIT" or "8BITMIME". */
    public String keyword() {
        return keyword;
    }

    /** The body type a BODY value names, in any case; empty for one we do not know. */
    public static Optional<BodyType> of(String keyword) {
        String upper = keyword.toUpperCase(Locale.ROOT);
        for (BodyType type : values()) {
            if (type.keyword.equals(upper)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
