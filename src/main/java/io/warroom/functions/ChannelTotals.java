package io.warroom.functions;

import io.warroom.model.MinuteStats;
import java.util.Arrays;

/**
 * pv of a channel and its pv of recent minutes for TRAFFIC_DROP (a Flink POJO); its uv is a union sketch kept
 * beside it.
 */
public class ChannelTotals {
    /** Minutes of pv kept: the longest baseline plus the minute evaluated, plus one of slack. */
    static final int RECENT_MINUTES = 182;

    public long pv;
    /** The highest uv estimate published: what is published never goes down. */
    public long publishedUv;
    /** pv per minute in a ring: slot {@code minute % RECENT_MINUTES} holds the minute in {@code recentMinute}. */
    public long[] recentPv;
    public long[] recentMinute;
    public long trafficDropSince = ItemState.INACTIVE;
    /** While TRAFFIC_DROP is active: the channel's and the campaign's baseline pv it fired against. */
    public long trafficBaselinePv;
    public long trafficBaselineCampaignPv;

    public ChannelTotals() {}

    static ChannelTotals create() {
        ChannelTotals totals = new ChannelTotals();
        totals.recentPv = new long[RECENT_MINUTES];
        totals.recentMinute = new long[RECENT_MINUTES];
        Arrays.fill(totals.recentMinute, Long.MIN_VALUE);
        return totals;
    }

    void addMinutePv(long minuteStart, long pv) {
        int slot = slotOf(minuteStart);
        if (recentMinute[slot] != minuteStart) {
            if (recentMinute[slot] > minuteStart) {
                return; // older than the ring holds: too late for any evaluation still to come
            }
            recentMinute[slot] = minuteStart;
            recentPv[slot] = 0;
        }
        recentPv[slot] += pv;
    }

    /** pv of the minute starting at {@code minuteStart}, 0 if none (or no longer held). */
    long minutePv(long minuteStart) {
        int slot = slotOf(minuteStart);
        return recentMinute[slot] == minuteStart ? recentPv[slot] : 0;
    }

    private static int slotOf(long minuteStart) {
        return (int) Math.floorMod(minuteStart / MinuteStats.MINUTE_MILLIS, (long) RECENT_MINUTES);
    }
}
