package org.mailgate.mail;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * RFC 3461 4.1 NOTIFY keywords: when the sender wants a delivery status notification. A
 * recipient names NEVER alone, or any of the others; naming none at all asks for the default,
 * failures and delays ({@link #wants}).
 */
public enum Notify {
    NEVER, SUCCESS, FAILURE, DELAY;

    /** The keyword as RCPT's NOTIFY parameter writes it. */
    public String keyword() {
        return name();
    }

    public static Optional<Notify> of(String keyword) {
        try {
            return Optional.of(valueOf(keyword.toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException unknown) {
            return Optional.empty();
        }
    }

    /** Whether a recipient who asked for {@code asked} (perhaps nothing) is told of this event. */
    public static boolean wants(Set<Notify> asked, Notify event) {
        return asked.isEmpty() ? event == FAILURE || event == DELAY : asked.contains(event);
    }

    /** The wire form, keywords in alphabetical order joined by commas ("DELAY,FAILURE"); empty for none. */
    public static String keywords(Set<Notify> notify) {
        return notify.stream().map(Notify::keyword).sorted().collect(Collectors.joining(","));
    }

    /** The set a wire form names; unknown keywords are dropped. */
    public static Set<Notify> parse(String keywords) {
        Set<Notify> set = EnumSet.noneOf(Notify.class);
        for (String keyword : keywords.split(",")) {
            of(keyword).ifPresent(set::add);
        }
        return Set.copyOf(set);
    }
}
