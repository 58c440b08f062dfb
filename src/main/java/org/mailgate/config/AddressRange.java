package org.mailgate.config;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/** A network in CIDR notation, such as 10.0.0.0/8 or 2001:db8::/32; a bare address is its own /32 or /128. */
public record AddressRange(InetAddress network, int prefixLength) {

    /** Parses "address" or "address/prefix"; only literals, never a name lookup. */
    public static Optional<AddressRange> parse(String text) {
        String[] parts = text.strip().split("/", -1);
        if (parts.length > 2 || !isAddressLiteral(parts[0]) || parts.length == 2 && !parts[1].matches("\\d{1,3}")) {
            return Optional.empty();
        }
        try {
            InetAddress network = InetAddress.getByName(parts[0]);
            int bits = network.getAddress().length * 8;
            int prefix = parts.length == 2 ? Integer.parseInt(parts[1]) : bits;
            return prefix <= bits ? Optional.of(new AddressRange(network, prefix)) : Optional.empty();
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    // Four decimal parts, as RFC 5321 4.1.3 writes them: the JDK would also read "127.1" as 127.0.0.1.
    private static final java.util.regex.Pattern IPV4 =
            java.util.regex.Pattern.compile("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");

    /** An IPv4 address in four decimal parts, or an IPv6 address (getByName then does no lookup). */
    public static boolean isAddressLiteral(String text) {
        if (!IPV4.matcher(text).matches() && !text.matches("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*")) {
            return false;
        }
        try {
            InetAddress.getByName(text);
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    public boolean contains(InetAddress address) {
        byte[] a = network.getAddress();
        byte[] b = address.getAddress();
        if (a.length != b.length) {
            return false;
        }
        int full = prefixLength / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != b[i]) {
                return false;
            }
        }
        int rest = prefixLength % 8;
        int mask = (0xff << (8 - rest)) & 0xff;
        return rest == 0 || (a[full] & mask) == (b[full] & mask);
    }

    /** As RFC 5952 writes an IPv6 address (compressed, lowercase), which the JDK's getHostAddress does not. */
    @Override
    public String toString() {
        return NetUtil.toAddressString(network) + "/" + prefixLength;
    }
}
