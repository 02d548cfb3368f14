package io.warroom.testkit;

import java.time.Duration;
import java.time.Instant;

/** Instants and durations in epoch milliseconds, so test timelines read as times. */
public final class TestTimes {
    private TestTimes() {}

    public static long at(String iso) {
        return Instant.parse(iso).toEpochMilli();
    }

    public static long seconds(long n) {
        return Duration.ofSeconds(n).toMillis();
    }

    public static long minutes(long n) {
        return Duration.ofMinutes(n).toMillis();
    }
}
