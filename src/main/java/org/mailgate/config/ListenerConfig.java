package org.mailgate.config;

import java.net.InetAddress;
import java.util.List;

/**
 * One listening socket; port 0 lets the system pick (used by tests).
 *
 * @param proxyProtocol every connection starts with a PROXY protocol v1 or v2 header from a trusted proxy
 * @param trustedNetworks clients exempt from the per-client limits on this listener, beside [limits] trusted-networks
 */
public record ListenerConfig(String address, int port, ListenerKind kind, boolean proxyProtocol, List<AddressRange> trustedNetworks) {

    public ListenerConfig {
        trustedNetworks = List.copyOf(trustedNetworks);
    }

    public ListenerConfig(String address, int port, ListenerKind kind, boolean proxyProtocol) {
        this(address, port, kind, proxyProtocol, List.of());
    }

    public ListenerConfig(String address, int port, ListenerKind kind) {
        this(address, port, kind, false);
    }

    /** Whether {@code client} is exempt from the per-client connection limits and rates here: in this listener's trusted networks, or in those of [limits]. */
    public boolean trusts(InetAddress client, Limits limits) {
        return limits.trusted(client) || trustedNetworks.stream().anyMatch(range -> range.contains(client));
    }
}
