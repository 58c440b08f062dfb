package org.mailgate.spool;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** The durable queue. The filesystem implementation is the default. */
public interface Spool extends AutoCloseable {

    /** Starts a message: its content follows through {@link IncomingMessage#append}. */
    IncomingMessage begin(SpoolEnvelope envelope);

    /** Bytes free for the spool on its file system, as this process may use them. */
    long usableSpace() throws IOException;

    /** Makes the message durable; completes only after file and directory are fsynced. */
    CompletableFuture<Void> commit(IncomingMessage message);

    List<QueuedMessage> list() throws IOException;

    Optional<QueuedMessage> find(String id) throws IOException;

    /** The message content, without the envelope block. */
    InputStream content(String id) throws IOException;

    /**
     * Moves a message that cannot be delivered for reasons of ours (an unreadable file, repeated
     * local failures) with its journal to {@code spool/corrupt/}, and writes the reason beside it:
     * kept for the admin, out of the way of the rest of the queue.
     */
    void setAside(String id, String reason) throws IOException;

    /** The IDs of the messages set aside. */
    List<String> setAside() throws IOException;

    /** Deletes the message and its delivery journal. */
    boolean delete(String id) throws IOException;

    /** The message's delivery journal replayed over its envelope. */
    DeliveryState state(QueuedMessage message) throws IOException;

    /** {@link #find} and {@link #state} at once (a database reads both in one query); empty when the message is gone. */
    default Optional<MessageState> load(String id) throws IOException {
        Optional<QueuedMessage> message = find(id);
        return message.isEmpty() ? Optional.empty() : Optional.of(new MessageState(message.get(), state(message.get())));
    }

    /** Appends to the message's delivery journal and fsyncs it before returning. */
    void record(String id, List<QueueEvent> events) throws IOException;

    /** Called with each message's ID once it is durable. */
    void onCommit(Consumer<String> listener);

    /** Tells a running server that the admin changed the journal of some message (hold, retry...), from any process. */
    void signalChange() throws IOException;

    /** Differs from its last value whenever {@link #signalChange()} was called since, by any process. */
    String changeStamp();

    /**
     * Takes the message for delivery by this node until {@code lease} has passed or it is
     * released: false when another node holds it. A spool of one node claims everything.
     */
    default boolean claim(String id, Duration lease) throws IOException {
        return true;
    }

    /** Extends the leases this node holds on {@code ids}: their rounds are still running. */
    default void renew(Collection<String> ids, Duration lease) throws IOException {}

    /** Gives up this node's lease: the round is over (its journal says what comes next). */
    default void release(String id) throws IOException {}

    /**
     * Claims up to {@code max} messages due now that no node holds, oldest due first: on a spool
     * several nodes share, how one finds what another received (or left by dying). Empty for a
     * spool of one node, whose delivery knows all it committed.
     */
    default List<String> claimDue(int max, Duration lease) throws IOException {
        return List.of();
    }

    /** Who holds a lease on which message, "NODE until TIME" by ID; empty when one node is all there is. */
    default Map<String, String> leases() throws IOException {
        return Map.of();
    }

    /** The queue counted, for the metrics and /readyz: here by replaying every journal; a database counts in one query. */
    default QueueCounts counts() throws IOException {
        int waiting = 0;
        int held = 0;
        Instant oldest = null;
        for (QueuedMessage m : list()) {
            if (state(m).held()) {
                held++;
            } else {
                waiting++;
                Instant arrival = m.envelope().arrival();
                oldest = oldest == null || arrival.isBefore(oldest) ? arrival : oldest;
            }
        }
        return new QueueCounts(waiting, held, setAside().size(), Optional.ofNullable(oldest));
    }

    /** Queues a whole message the server made itself (a bounce), durably. */
    default String enqueue(SpoolEnvelope envelope, byte[] message) throws IOException {
        IncomingMessage incoming = begin(envelope);
        try {
            incoming.append(message);
            commit(incoming).join();
            return envelope.id();
        } catch (IOException | RuntimeException e) {
            incoming.discard();
            throw e instanceof IOException io ? io : new IOException("cannot queue " + envelope.id() + ": " + e.getMessage(), e);
        }
    }

    @Override
    void close();
}
