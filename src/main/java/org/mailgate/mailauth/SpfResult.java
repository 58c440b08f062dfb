package org.mailgate.mailauth;

import java.util.Locale;

/** RFC 7208 2.6: what check_host() concludes. */
public enum SpfResult {
    NONE, NEUTRAL, PASS, FAIL, SOFTFAIL, TEMPERROR, PERMERROR;

    /** The result's name as RFC 7208 and RFC 8601 write it ("softfail"). */
    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }
}
