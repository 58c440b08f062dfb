package org.mailgate.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class AddressRangeTest {
    private static boolean contains(String range, String address) throws Exception {
        return AddressRange.parse(range).orElseThrow().contains(InetAddress.getByName(address));
    }

    @Test
    void prefixesThatDoNotEndOnAByte() throws Exception {
        assertThat(contains("10.0.0.0/13", "10.7.255.255")).isTrue();
        assertThat(contains("10.0.0.0/13", "10.8.0.0")).isFalse();
        assertThat(contains("2001:db8::/33", "2001:db8:7fff::1")).isTrue();
        assertThat(contains("2001:db8::/33", "2001:db8:8000::1")).isFalse();
    }

    @Test
    void aBareAddressIsOnlyItselfAndFamiliesNeverMix() throws Exception {
        assertThat(contains("192.0.2.7", "192.0.2.7")).isTrue();
        assertThat(contains("192.0.2.7", "192.0.2.8")).isFalse();
        assertThat(contains("0.0.0.0/0", "::1")).isFalse();
    }

    @Test
    void onlyLiteralsWithSensiblePrefixesParse() {
        assertThat(AddressRange.parse("mail.example.com")).isEmpty();
        assertThat(AddressRange.parse("10.0.0.0/33")).isEmpty();
        assertThat(AddressRange.parse("::1/129")).isEmpty();
        assertThat(AddressRange.parse("10.0.0.0/8/8")).isEmpty();
        assertThat(AddressRange.parse(" 10.0.0.0/8 ")).isPresent();
    }
}
