package io.warroom.functions;

/** An item's counts in one event-time minute (written by {@link ItemMinuteSerializer}), kept for the recent windows of its alerts. */
public class ItemMinute {
    public long pv;
    public long orders;
    public long units;
    public long gmvCents;

    public ItemMinute() {}
}
