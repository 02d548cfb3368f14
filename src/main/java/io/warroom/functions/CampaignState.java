package io.warroom.functions;

/** Keyed state of one campaign's totals (a Flink POJO). */
public class CampaignState extends ThrottledEmission {
    public long gmvCents;
    public long refundedCents;
    public long orders;
    public long units;
    public long pv;
    public long carts;
    /** Paid gmv per pacing segment (see {@link io.warroom.model.CampaignDelta}). */
    public long[] gmvCentsBySegment;
    /** Latest uv and buyers estimate of each audience shard. */
    public long[] shardUv;
    public long[] shardBuyers;
    public int checkpointsEvaluated;
    /** Outcome of each evaluated pacing checkpoint. */
    public boolean[] behindAtCheckpoint;
    public long behindSince = ItemState.INACTIVE;

    public CampaignState() {}
}
