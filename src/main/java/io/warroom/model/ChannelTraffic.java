package io.warroom.model;

/**
 * One traffic shard's increment to a channel: pv added since its previous flush, and a compact HLL sketch of the
 * users of those clicks, which the campaign unions into the channel's uv.
 */
public record ChannelTraffic(String channel, long pv, byte[] uvSketch) {}
