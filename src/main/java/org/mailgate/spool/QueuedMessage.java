package org.mailgate.spool;

/** A message in the queue: its envelope and the size of its content in bytes. */
public record QueuedMessage(SpoolEnvelope envelope, long size) {
    public String id() {
        return envelope.id();
    }
}
