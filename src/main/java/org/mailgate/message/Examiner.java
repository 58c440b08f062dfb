package org.mailgate.message;

import java.util.Optional;
import org.mailgate.mail.Refusal;

/**
 * A step of the pipeline that judges a received message once all of it has passed (SPF, DKIM
 * and DMARC on inbound mail): it sees the client's header section and the body as they stream,
 * and at the end refuses the message or adds fields in front of it, of any length. It may also
 * remove fields of the client's as the header section passes (an Authentication-Results that
 * claims to be ours).
 */
public interface Examiner {

    /** Whether a field of the client's header section is dropped (the value unfolded, as {@link HeaderSection} gives it). */
    default boolean removes(String name, String value) {
        return false;
    }

    /**
     * Starts on one message; runs on the event loop, so it must not block.
     *
     * @param header the client's header section as it arrived, each field with its CRLF, without the empty line
     */
    Examination start(Transaction transaction, byte[] header);

    /** One message being examined. */
    interface Examination {
        /** Body octets, in order, on the event loop. */
        void body(byte[] bytes, int offset, int length);

        /** The verdict, the body having ended; blocking is allowed here (lookups). */
        Verdict finish();
    }

    /** Refuse the message, or accept it with fields to put in front of it, and the folder to file it in. */
    sealed interface Verdict {
        /** @param folder a mailbox folder for local delivery ("Junk"); empty for the inbox */
        record Accept(String fields, Optional<String> folder) implements Verdict {}

        record Refuse(Refusal refusal) implements Verdict {}
    }

}
