package io.warroom.functions;

import io.warroom.model.OrderLine;

/**
 * Keyed state of one order's lifecycle (a Flink POJO).
 *
 * <p>{@code seenStatuses} deduplicates on arrival, by (order_id, status). The other fields belong to the ordered
 * pass, which replays the order's events in event-time order once the watermark has passed them.
 */
public class OrderProgress {
    /** Bit set of {@link io.warroom.model.OrderStatus#bit()} already received. */
    public int seenStatuses;

    /** The lines reserved by the first created-or-paid event, or null while nothing is reserved. */
    public OrderLine[] reservedLines;

    public boolean released;
    public boolean paid;
    /** The event time the order's state is scheduled to be cleared at. */
    public long cleanupTimer;

    public OrderProgress() {}
}
