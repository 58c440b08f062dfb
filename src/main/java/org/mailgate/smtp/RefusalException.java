package org.mailgate.smtp;

import org.mailgate.mail.Refusal;

/** A refusal raised deep inside parsing, caught where replies are built. */
public final class RefusalException extends RuntimeException {
    private final Refusal refusal;

    public RefusalException(Refusal refusal) {
        super(refusal.name(), null, false, false);
        this.refusal = refusal;
    }

    public Refusal refusal() {
        return refusal;
    }
}
