package org.mailgate.config;

/**
 * One listening socket; port 0 lets the system pick (used by tests).
 *
 * @param proxyProtocol every connection starts with a PROXY protocol v1 or v2 header from a trusted proxy
 */
public record ListenerConfig(String address, int port, ListenerKind kind, boolean proxyProtocol) {

    public ListenerConfig(String address, int port, ListenerKind kind) {
        this(address, port, kind, false);
    }
}
