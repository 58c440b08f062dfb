package org.mailgate.config;

/** One listening socket; port 0 lets the system pick (used by tests). */
public record ListenerConfig(String address, int port, ListenerKind kind) {}
