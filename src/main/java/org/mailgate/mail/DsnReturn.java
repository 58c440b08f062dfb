package org.mailgate.mail;

import java.util.Locale;
import java.util.Optional;

/** RFC 3461 4.3 RET: what of the message a failure notice returns, the whole of it or its headers. */
public enum DsnReturn {
    FULL("FULL"),
    HEADERS("HDRS");

    private final String keyword;

    DsnReturn(String keyword) {
        this.keyword = keyword;
    }

    public String keyword() {
        return keyword;
    }

    public static Optional<DsnReturn> of(String keyword) {
        String upper = keyword.toUpperCase(Locale.ROOT);
        for (DsnReturn ret : values()) {
            if (ret.keyword.equals(upper)) {
                return Optional.of(ret);
            }
        }
        return Optional.empty();
    }
}
