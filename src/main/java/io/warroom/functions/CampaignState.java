package io.warroom.functions;

/** Keyed state of one campaign's totals (a Flink POJO). */
public class CampaignState extends ThrottledEmission {
    public long gmvCents;
    public long refundedCents;
    public long orders;
    public long units;
    public long pv;
    public long carts;
    /** Clicks and carts the traffic shards dropped as too late for the campaign's dedup horizon. */
    public long lateDropped;
    /** Latest buyers estimate of each audience shard. */
    public long[] shardBuyers;
    /** The highest uv and buyers estimates published: what is published never goes down. */
    public long publishedUv;
    public long publishedBuyers;
    /** Time ({@code at}) of the last pacing checkpoint evaluated, or {@link ItemState#INACTIVE}. */
    public long lastCheckpointAt = ItemState.INACTIVE;
    public long behindSince = ItemState.INACTIVE;
    public long trafficDropSince = ItemState.INACTIVE;
    /** While TRAFFIC_DROP is active: the baseline pv it fired against, and the expected pv of the same minutes. */
    public long trafficBaselinePv;
    public java.math.BigDecimal trafficBaselineExpected;

    public CampaignState() {}
}
