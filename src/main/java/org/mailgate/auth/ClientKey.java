package org.mailgate.auth;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import org.mailgate.config.AddressRange;

/**
 * The unit that throttles, limits and bans count by: an IPv4 address, or an IPv6 /64 (one
 * customer's network: an attacker gets a whole /64 as easily as one address).
 */
public final class ClientKey {
    private ClientKey() {}

    public static String of(InetAddress address) {
        return address instanceof Inet6Address ? range(address).toString() : address.getHostAddress();
    }

    public static AddressRange range(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return new AddressRange(address, 32);
        }
        byte[] bytes = Arrays.copyOf(address.getAddress(), 16);
        Arrays.fill(bytes, 8, 16, (byte) 0);
        try {
            return new AddressRange(InetAddress.getByAddress(bytes), 64);
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException("16 bytes are an IPv6 address", impossible);
        }
    }
}
