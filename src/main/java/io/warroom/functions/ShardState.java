package io.warroom.functions;

/** Keyed state of one audience shard of a campaign (a Flink POJO): order increments not yet sent to the campaign. */
public class ShardState extends ThrottledEmission {
    public long gmvCents;
    public long refundedCents;
    public long orders;
    public long units;

    public ShardState() {}
}
