package org.mailgate.message;

import java.util.Optional;
import java.util.concurrent.Executor;
import org.mailgate.mail.Mailbox;
import org.mailgate.mail.Refusal;

/**
 * A step of the pipeline that judges a received message once all of it has passed (SPF, DKIM
 * and DMARC on inbound mail): it may start work when MAIL is accepted (SPF, from the envelope
 * alone), sees the client's header section and the body as they stream, and at the end refuses
 * the message or adds fields in front of it, of any length. It may also remove fields of the
 * client's as the header section passes (an Authentication-Results that claims to be ours).
 */
public interface Examiner {

    /** Whether a field of the client's header section is dropped (the value unfolded, as {@link HeaderSection} gives it). */
    default boolean removes(String name, String value) {
        return false;
    }

    /**
     * MAIL is accepted: starts what the envelope alone allows, its blocking work on {@code work}.
     * Runs on the event loop, so it must not block; a transaction that ends without a message
     * drops what it returns.
     *
     * @param sender empty for the null reverse-path
     */
    Envelope open(Client client, Optional<Mailbox> sender, Executor work);

    /** One transaction being examined. */
    interface Envelope {
        /**
         * Starts on its message; runs on the event loop, so it must not block.
         *
         * @param header the client's header section as it arrived, each field with its CRLF, without the empty line
         */
        Examination start(Transaction transaction, byte[] header);
    }

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
