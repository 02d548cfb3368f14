package io.warroom.model;

/** Totals of one event-time minute, {@code [minuteStart, minuteStart + 60 s)}. */
public record MinuteStats(long minuteStart, long gmvCents, long orders, long pv) {
    public static final long MINUTE_MILLIS = 60_000L;

    /** Start of the epoch minute holding {@code ts}. */
    public static long minuteOf(long ts) {
        return Math.floorDiv(ts, MINUTE_MILLIS) * MINUTE_MILLIS;
    }

    public MinuteStats plus(MinuteStats other) {
        return new MinuteStats(minuteStart, gmvCents + other.gmvCents, orders + other.orders, pv + other.pv);
    }
}
