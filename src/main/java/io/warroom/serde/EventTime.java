package io.warroom.serde;

import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** The two accepted forms of {@code ts}: integer epoch milliseconds, or ISO-8601 text with an offset. */
public final class EventTime {
    /** 0001-01-01 to 9999-12-31: wide enough for any real clock, narrow enough that arithmetic cannot overflow. */
    public static final long MIN = -62135596800000L;

    public static final long MAX = 253402300799999L;

    private EventTime() {}

    /** Parses ISO-8601 with a mandatory offset ({@code Z} counts), to epoch milliseconds. */
    public static long parseIso(String text) {
        try {
            return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant().toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new IllegalArgumentException("is not an ISO-8601 timestamp with offset");
        }
    }

    public static boolean inRange(long epochMillis) {
        return epochMillis >= MIN && epochMillis <= MAX;
    }
}
