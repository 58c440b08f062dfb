package org.mailgate.spool;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Queue IDs: milliseconds since the epoch, then a per-process counter and a random part, in
 * upper-case base 32, so IDs sort by arrival and two servers sharing a queue do not collide.
 */
public final class QueueIds {
    private static final String DIGITS = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    private final AtomicLong counter = new AtomicLong();
    private final SecureRandom random = new SecureRandom();

    public String next(long epochMillis) {
        StringBuilder id = new StringBuilder(18);
        append(id, epochMillis, 9);
        append(id, counter.getAndIncrement(), 4);
        append(id, random.nextInt(1 << 20), 4);
        return id.toString();
    }

    public static boolean isValid(String id) {
        return id.length() == 17 && id.chars().allMatch(c -> DIGITS.indexOf(c) >= 0);
    }

    private static void append(StringBuilder out, long value, int digits) {
        for (int i = digits - 1; i >= 0; i--) {
            out.append(DIGITS.charAt((int) (value >>> (5 * i)) & 31));
        }
    }
}
