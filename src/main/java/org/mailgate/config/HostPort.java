package org.mailgate.config;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** "host", "host:port", "[v6 address]:port" or a bare IPv6 address, as the config writes servers. */
public record HostPort(String host, int port) {
    private static final Pattern BRACKETED = Pattern.compile("\\[([0-9a-fA-F:.]+)](?::(\\d{1,5}))?");
    private static final Pattern NAME = Pattern.compile("([A-Za-z0-9.-]+)(?::(\\d{1,5}))?");

    public static Optional<HostPort> parse(String text, int defaultPort) {
        String value = text.strip();
        if (value.chars().filter(c -> c == ':').count() > 1 && !value.startsWith("[")) {
            return AddressRange.isAddressLiteral(value) ? Optional.of(new HostPort(value, defaultPort)) : Optional.empty();
        }
        Matcher m = value.startsWith("[") ? BRACKETED.matcher(value) : NAME.matcher(value);
        if (!m.matches()) {
            return Optional.empty();
        }
        int port = m.group(2) == null ? defaultPort : Integer.parseInt(m.group(2));
        return port < 1 || port > 65535 ? Optional.empty() : Optional.of(new HostPort(m.group(1), port));
    }
}
