package org.mailgate.message;

import java.util.Optional;

/**
 * A step of the pipeline that needs the whole message before it can add its fields (a DKIM
 * signer). Its fields go first in the header section, yet are known only once the body has
 * passed: so when the header section arrives it says exactly how many octets it will add, those
 * are held in the spool, and at the end of the data they are written over with the fields.
 */
public interface Signer {

    /**
     * Starts on one message, once its header section is final.
     *
     * @param fields the header section as it is queued (the modifiers' fields, then the
     *     client's), each field with its CRLF, without the empty line that ends the section
     * @return empty when this message is not for this signer
     */
    Optional<Signing> start(Transaction transaction, HeaderSection header, byte[] fields);

    /** One message being signed. */
    interface Signing {
        /** Octets the fields will take, fixed from the start. */
        int length();

        /** Body octets, in order, as they are queued. */
        void body(byte[] bytes, int offset, int length);

        /** The fields, exactly {@link #length()} octets, each ending in CRLF; the body has ended. */
        byte[] fields();
    }
}
