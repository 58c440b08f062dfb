package org.mailgate.dns;

import java.util.Arrays;
import java.util.HexFormat;

/** A TLSA record (RFC 6698): which certificate it names, how, and the data to match. */
public record TlsaRecord(int usage, int selector, int matchingType, byte[] data) {
    public static final int DANE_TA = 2;
    public static final int DANE_EE = 3;

    public TlsaRecord {
        data = data.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TlsaRecord t && usage == t.usage && selector == t.selector && matchingType == t.matchingType
                && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * usage + selector) + matchingType) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return usage + " " + selector + " " + matchingType + " " + HexFormat.of().formatHex(data);
    }
}
