package io.warroom.model;

/**
 * What an order's lifecycle does to the metrics, decided once per order by the lifecycle function. Each effect
 * carries the event time of the order event that caused it; campaigns count it when that time is in their window.
 */
public record OrderEffect(Kind kind, String orderId, String userId, long ts, OrderLine[] lines) {

    public enum Kind {
        /** First paid event: gmv, orders, units and buyers. */
        PAID,
        /** First refunded event of a paid order: refunded amount (of the refund event's lines). */
        REFUND,
        /** First created-or-paid event: stock is reserved. */
        RESERVE,
        /** First cancelled event of an order not paid before it: the reserved stock comes back. */
        RELEASE
    }
}
