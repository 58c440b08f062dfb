package org.mailgate.config;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

/**
 * RFC 5321 4.1.3 address literals ("[192.0.2.1]", "[IPv6:2001:db8::1]") and the networks that are
 * not the public internet. A literal naming one of them would have the server connect inside its
 * own network on a sender's behalf, so it is refused unless the config allows it.
 */
public final class AddressLiteral {
    // RFC 6890 special-purpose ranges a mail server has no business connecting to for a sender.
    private static final List<AddressRange> INTERNAL = List.of(
            "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
            "192.0.0.0/24", "192.168.0.0/16", "198.18.0.0/15", "224.0.0.0/4", "240.0.0.0/4",
            "::/128", "::1/128", "100::/64", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8")
            .stream().map(range -> AddressRange.parse(range).orElseThrow()).toList();
    // RFC 6052 NAT64: the IPv4 address in the last four octets is where the connection really goes.
    private static final AddressRange NAT64 = AddressRange.parse("64:ff9b::/96").orElseThrow();

    private AddressLiteral() {}

    /** The address a literal domain names; empty when it is not an IPv4 or IPv6 literal. */
    public static Optional<InetAddress> parse(String domain) {
        if (!domain.startsWith("[") || !domain.endsWith("]")) {
            return Optional.empty();
        }
        String inside = domain.substring(1, domain.length() - 1);
        boolean tagged = inside.regionMatches(true, 0, "IPv6:", 0, 5);
        String address = tagged ? inside.substring(5) : inside;
        // an IPv6 address only with its tag, an IPv4 address only without (RFC 5321 4.1.3)
        if (!AddressRange.isAddressLiteral(address) || tagged != address.contains(":")) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(address));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /** Loopback, private, link-local, shared, multicast or reserved: anything but a public unicast address. */
    public static boolean isInternal(InetAddress address) {
        // An IPv4-mapped IPv6 address (::ffff:127.0.0.1) parses to the IPv4 address itself.
        if (address instanceof Inet6Address && NAT64.contains(address)) {
            byte[] bytes = address.getAddress();
            try {
                return isInternal(InetAddress.getByAddress(new byte[] {bytes[12], bytes[13], bytes[14], bytes[15]}));
            } catch (UnknownHostException e) {
                throw new IllegalStateException("four octets are always an IPv4 address", e);
            }
        }
        return INTERNAL.stream().anyMatch(range -> range.contains(address));
    }
}
