package org.mailgate.message;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.mailgate.mail.Mailbox;
import org.mailgate.mail.Refusal;

/**
 * The ordered checks and modifiers a listener's messages pass (Postfix's cleanup, maddy's checks
 * and modifiers), built once per listener kind: the server asks it at MAIL and RCPT, opens the
 * examiners on each accepted MAIL, and runs each message through a {@link MessageAssembly} of
 * it: checks, then modifiers (fields known from the header section), then signers (fields known
 * once the body has passed, put first), then examiners (a verdict at the end, and fields in front
 * of all). New steps join the lists; the connection does not change.
 */
public final class MessagePipeline {
    private final List<Check> checks;
    private final List<Modifier> modifiers;
    private final List<Signer> signers;
    private final List<Examiner> examiners;
    private final int maxHeaderSize;

    /** @param maxHeaderSize octets of header section held while it is checked; past them the message is refused */
    public MessagePipeline(List<Check> checks, List<Modifier> modifiers, List<Signer> signers, List<Examiner> examiners, int maxHeaderSize) {
        this.checks = List.copyOf(checks);
        this.modifiers = List.copyOf(modifiers);
        this.signers = List.copyOf(signers);
        this.examiners = List.copyOf(examiners);
        this.maxHeaderSize = maxHeaderSize;
    }

    public Optional<Refusal> checkSender(Client client, Optional<Mailbox> sender) {
        return first(check -> check.checkSender(client, sender));
    }

    public Optional<Refusal> checkRecipient(Client client, Mailbox recipient, int accepted) {
        return first(check -> check.checkRecipient(client, recipient, accepted));
    }

    /** MAIL is accepted: the examiners start on the transaction, their blocking work on {@code work}. Does not block. */
    public List<Examiner.Envelope> open(Client client, Optional<Mailbox> sender, Executor work) {
        return examiners.stream().map(examiner -> examiner.open(client, sender, work)).toList();
    }

    /**
     * One message through the pipeline, its content written to {@code sink}.
     *
     * @param envelopes what {@link #open} gave for the message's transaction
     */
    public MessageAssembly assemble(Transaction transaction, List<Examiner.Envelope> envelopes, MessageAssembly.Sink sink) {
        if (envelopes.size() != examiners.size()) {
            throw new IllegalArgumentException(envelopes.size() + " opened transactions for " + examiners.size() + " examiners");
        }
        return new MessageAssembly(transaction, checks, modifiers, signers, examiners, envelopes, maxHeaderSize, sink);
    }

    private Optional<Refusal> first(Function<Check, Optional<Refusal>> stage) {
        for (Check check : checks) {
            Optional<Refusal> refusal = stage.apply(check);
            if (refusal.isPresent()) {
                return refusal;
            }
        }
        return Optional.empty();
    }
}
