package org.mailgate.smtp;

import org.mailgate.mail.Refusal;

/** RFC 3461 4: xtext, the encoding of DSN parameter values. */
final class Xtext {
    private Xtext() {}

    /** Returns {@code value} unchanged if it is valid xtext of at most {@code maxLength} characters. */
    static String require(String value, int maxLength) {
        if (value.length() > maxLength) {
            throw new RefusalException(Refusal.PARAMETER_SYNTAX);
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '+') {
                if (i + 2 >= value.length() || !isUpperHex(value.charAt(i + 1)) || !isUpperHex(value.charAt(i + 2))) {
                    throw new RefusalException(Refusal.PARAMETER_SYNTAX);
                }
                i += 2;
            } else if (c < 33 || c > 126 || c == '=') {
                throw new RefusalException(Refusal.PARAMETER_SYNTAX);
            }
        }
        return value;
    }

    private static boolean isUpperHex(char c) {
        return c >= '0' && c <= '9' || c >= 'A' && c <= 'F';
    }
}
