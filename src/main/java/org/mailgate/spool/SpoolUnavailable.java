package org.mailgate.spool;

import java.io.IOException;

/**
 * The store behind the spool cannot be reached (a database down or restarting), as opposed to
 * one message that cannot be read: what was asked can be asked again once it is back, and no
 * message is to blame for it.
 */
public final class SpoolUnavailable extends IOException {
    public SpoolUnavailable(String message, Throwable cause) {
        super(message, cause);
    }
}
