package org.mailgate.cli;

import java.util.List;

/** The little JSON the CLI prints; written by hand, as it needs no parser and no object mapping. */
final class Json {
    private Json() {}

    static String string(String value) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    static String array(List<String> values) {
        return "[" + String.join(",", values) + "]";
    }

    /** Alternating names and already-encoded values. */
    static String object(String... namesAndValues) {
        StringBuilder out = new StringBuilder("{");
        for (int i = 0; i < namesAndValues.length; i += 2) {
            out.append(i == 0 ? "" : ",").append(string(namesAndValues[i])).append(':').append(namesAndValues[i + 1]);
        }
        return out.append('}').toString();
    }
}
