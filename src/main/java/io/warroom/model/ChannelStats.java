package io.warroom.model;

/** Traffic of one channel: uv (approximate, see the metric contract) and pv. */
public record ChannelStats(String channel, long uv, long pv) {}
