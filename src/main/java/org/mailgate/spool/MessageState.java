package org.mailgate.spool;

/** A queued message with its delivery state, as a delivery round starts. */
public record MessageState(QueuedMessage message, DeliveryState state) {}
