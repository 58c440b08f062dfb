package org.mailgate.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AddressLiteralTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"[127.0.0.1]", "[10.0.0.1]", "[172.16.5.4]", "[192.168.1.1]", "[169.254.169.254]", "[100.64.0.1]",
        "[0.0.0.0]", "[224.0.0.1]", "[255.255.255.255]", "[IPv6:::1]", "[IPv6:::]", "[IPv6:fe80::1]", "[IPv6:fd00::1]",
        "[IPv6:::ffff:127.0.0.1]", "[IPv6:::ffff:10.1.2.3]", "[IPv6:64:ff9b::a00:1]", "[ipv6:FF02::1]"})
    @DisplayName("loopback, private, link-local, shared, multicast and reserved literals are internal, however written")
    void internalLiterals(String literal) {
        InetAddress address = AddressLiteral.parse(literal).orElseThrow();
        assertThat(AddressLiteral.isInternal(address)).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"[192.0.2.1]", "[8.8.8.8]", "[IPv6:2001:db8::1]", "[IPv6:64:ff9b::808:808]"})
    void publicLiterals(String literal) {
        assertThat(AddressLiteral.isInternal(AddressLiteral.parse(literal).orElseThrow())).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"[::1]", "[IPv6:127.0.0.1]", "[localhost]", "[1.2.3]", "[127.1]", "[0177.0.0.1]", "[tag:content]", "127.0.0.1", "[]"})
    @DisplayName("RFC 5321 4.1.3: an IPv6 literal needs its tag, an IPv4 literal has none, and nothing else is an address")
    void notAddressLiterals(String literal) {
        assertThat(AddressLiteral.parse(literal)).isEmpty();
    }
}
