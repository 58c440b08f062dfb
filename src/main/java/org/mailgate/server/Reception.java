package org.mailgate.server;

import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.mailgate.mail.Refusal;
import org.mailgate.message.Client;
import org.mailgate.message.Examiner;
import org.mailgate.message.MessageAssembly;
import org.mailgate.message.MessagePipeline;
import org.mailgate.message.Transaction;
import org.mailgate.smtp.Envelope;
import org.mailgate.spool.IncomingMessage;
import org.mailgate.spool.SpoolEnvelope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One message of a connection, from its first octet to the reply: through the listener's
 * pipeline into the spool; at the end, the pipeline's checks (off the event loop), then the
 * commit, the log line and the sender's sending-limit count. An I/O failure on the way is
 * remembered and answered at the end with 451, never as an acknowledged message.
 */
final class Reception {
    private static final Logger log = LoggerFactory.getLogger(Reception.class);

    /** How the connection hears the outcome, on its event loop. */
    interface Outcome {
        void stored(String queueId);

        void refused(Refusal refusal);
    }

    private final ServerContext context;
    private final MessagePipeline pipeline;
    private final Supplier<List<Examiner.Envelope>> envelopes;
    private final SessionTag session;
    private final String client;
    private IncomingMessage incoming;
    private MessageAssembly assembly;
    private IOException failure;

    /** @param envelopes the examiners' view of the transaction whose message begins (opened at MAIL) */
    Reception(ServerContext context, MessagePipeline pipeline, Supplier<List<Examiner.Envelope>> envelopes, SessionTag session) {
        this.context = context;
        this.pipeline = pipeline;
        this.envelopes = envelopes;
        this.session = session;
        this.client = session.client().getHostAddress();
    }

    void begin(Envelope envelope) {
        Instant arrival = context.clock().instant();
        SpoolEnvelope spooled = SpoolEnvelopes.of(envelope, context.queueIds().next(arrival.toEpochMilli()), arrival, client);
        incoming = context.spool().begin(spooled);
        Transaction transaction = new Transaction(spooled.id(), arrival,
                new Client(client, envelope.helo(), spooled.authenticatedUser()), envelope.protocol(), spooled.sender(),
                spooled.recipients().stream().map(SpoolEnvelope.Recipient::address).toList());
        IncomingMessage spooling = incoming;
        assembly = pipeline.assemble(transaction, envelopes.get(), new MessageAssembly.Sink() {
            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                spooling.append(bytes, offset, length);
            }

            @Override
            public void rewrite(long position, byte[] bytes) throws IOException {
                spooling.rewrite(position, bytes);
            }

            @Override
            public void prepend(byte[] bytes, Optional<String> folder) throws IOException {
                spooling.prepend(bytes, folder);
            }
        });
        failure = null;
    }

    void append(byte[] bytes) {
        if (assembly == null || failure != null) {
            return;
        }
        try {
            assembly.append(bytes);
        } catch (IOException e) {
            failure = e;
        }
    }

    /** The message is refused or cut off, or the connection dropped: nothing was acknowledged, nothing stays. */
    void abort() {
        if (incoming != null) {
            incoming.discard();
        }
        incoming = null;
        assembly = null;
    }

    /** The end of the data: checks, then the commit; {@code outcome} hears the answer on {@code loop}. */
    void end(EventExecutor loop, Executor checks, Outcome outcome) {
        Instant ended = context.clock().instant();
        IncomingMessage m = incoming;
        MessageAssembly a = assembly;
        incoming = null;
        assembly = null;
        if (failure != null) {
            m.discard();
            outcome.refused(notQueued(m.id(), failure));
            return;
        }
        checks.execute(() -> {
            Optional<Refusal> refusal;
            try {
                refusal = a.finish();
            } catch (IOException | RuntimeException e) {
                // A check or signer that fails is our fault, never the client's: 451 (452 when the
                // spool is full), and the connection goes on.
                m.discard();
                Refusal failed = notQueued(m.id(), e);
                loop.execute(() -> outcome.refused(failed));
                return;
            }
            if (refusal.isPresent()) {
                m.discard();
                log.info("{} refused {}: {}", m.id(), session, refusal.get());
                Refusal refused = refusal.get();
                loop.execute(() -> outcome.refused(refused));
                return;
            }
            commit(m, ended, loop, outcome);
        });
    }

    /** A message the spool could not take: logged (a full disk as such, anything else as our error), and the reply to give. */
    private Refusal notQueued(String id, Throwable cause) {
        Refusal refusal = context.storageFailure(cause);
        if (refusal == Refusal.INSUFFICIENT_STORAGE) {
            log.warn("{} not queued {}: the spool is out of space ({})", id, session, cause.getMessage());
        } else {
            log.error("{} not queued {}: {}", id, session, cause.toString());
        }
        return refusal;
    }

    private void commit(IncomingMessage m, Instant ended, EventExecutor loop, Outcome outcome) {
        context.spool().commit(m).whenComplete((ignored, failed) -> loop.execute(() -> {
            if (failed != null) {
                outcome.refused(notQueued(m.id(), failed));
                return;
            }
            SpoolEnvelope e = m.envelope();
            log.info("{} queued {}{} from=<{}> recipients={} size={}", m.id(), session,
                    e.authenticatedUser().map(user -> " user=" + user).orElse(""), e.sender().map(Object::toString).orElse(""),
                    e.recipients().size(), m.contentSize());
            context.space().stored(m.contentSize());
            context.metrics().accepted(session.kind(), m.contentSize(), Duration.between(ended, context.clock().instant()));
            e.authenticatedUser().ifPresent(user -> context.sendingLimits().record(user, e.recipients().size()));
            outcome.stored(m.id());
        }));
    }
}
