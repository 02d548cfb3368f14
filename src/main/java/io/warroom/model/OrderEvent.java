package io.warroom.model;

/** A change of an order's status, carrying the order's lines (never empty). */
public record OrderEvent(String orderId, long ts, String userId, OrderStatus status, OrderLine[] lines) {

    public long amountCents() {
        long total = 0;
        for (OrderLine line : lines) {
            total = Math.addExact(total, line.amountCents());
        }
        return total;
    }
}
