package io.warroom.model;

/**
 * Deduplicated clicks and carts of one item, pre-aggregated by one traffic shard since its previous flush.
 *
 * @param minuteStarts event-time minutes with clicks, paired with {@code minutePv}
 * @param userHashes 64-bit hashes of the users of those clicks (repeats allowed), for the item's uv sketch
 */
public record ItemTraffic(long pv, long carts, long[] minuteStarts, long[] minutePv, long[] userHashes) {}
