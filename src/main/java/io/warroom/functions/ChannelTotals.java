package io.warroom.functions;

/** pv of a channel, and its uv as the latest estimate of each audience shard (a Flink POJO). */
public class ChannelTotals {
    public long pv;
    public long[] uvByShard;

    public ChannelTotals() {}
}
