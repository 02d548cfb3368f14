package io.warroom.model;

/** Totals of one event-time minute, {@code [minuteStart, minuteStart + 60 s)}. */
public record MinuteStats(long minuteStart, long gmvCents, long orders, long pv) {

    public MinuteStats plus(MinuteStats other) {
        return new MinuteStats(minuteStart, gmvCents + other.gmvCents, orders + other.orders, pv + other.pv);
    }
}
