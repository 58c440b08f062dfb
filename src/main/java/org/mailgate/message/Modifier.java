package org.mailgate.message;

/**
 * A step of the pipeline that adds header fields in front of the message's own, once its header
 * section has arrived; the body streams on behind them unchanged.
 */
public interface Modifier {

    /** The fields to add, each ending in CRLF; empty for none. */
    String fields(Transaction transaction, HeaderSection header);
}
