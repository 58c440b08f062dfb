package org.mailgate.delivery;

import java.util.List;
import org.mailgate.mail.Mailbox;

/**
 * The ways out of the queue, as the queue manager sees them: where a recipient goes, and one
 * attempt at a group of recipients that go the same way. {@link Router} is the real one; tests
 * give the queue manager a fake and see retries, bounces and expiry in milliseconds.
 */
public interface Transport extends AutoCloseable {

    Route route(Mailbox recipient);

    /** An outcome for every recipient of {@code message}; never throws for what a peer or DNS did. */
    List<Outcome> deliver(Route route, RoutedMessage message);

    /** Called every second: close what has been idle too long. */
    default void expireIdle() {}

    @Override
    default void close() {}
}
