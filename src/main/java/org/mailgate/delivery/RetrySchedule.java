package org.mailgate.delivery;

import java.time.Duration;

/** When to try again after a round that left recipients pending: {@code first}, then doubling, never above {@code max}. */
record RetrySchedule(Duration first, Duration max) {

    Duration after(int rounds) {
        Duration wait = first;
        for (int i = 0; i < rounds && wait.compareTo(max) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(max) > 0 ? max : wait;
    }
}
