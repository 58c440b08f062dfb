package org.mailgate.spool;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/** The durable queue. The filesystem implementation is the default. */
public interface Spool extends AutoCloseable {

    /**
     * Starts a message; {@code trace} (the Received field) and the fields {@code additions}
     * returns for the finished header section are prepended to the content.
     */
    IncomingMessage begin(SpoolEnvelope envelope, byte[] trace, Function<HeaderSection, String> additions, int maxHeaderSize);

    /** Makes the message durable; completes only after file and directory are fsynced. */
    CompletableFuture<Void> commit(IncomingMessage message);

    List<QueuedMessage> list() throws IOException;

    Optional<QueuedMessage> find(String id) throws IOException;

    /** The message content, without the envelope block. */
    InputStream content(String id) throws IOException;

    boolean delete(String id) throws IOException;

    @Override
    void close();
}
