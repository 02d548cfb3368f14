package io.warroom.generator;

/**
 * What the generated sale really contained: every valid event once, whatever the dirt did to its delivery. Because
 * every event lies inside the campaign window, {@link #paidGmvCents()} is exactly the window's gmv as the metric
 * contract defines it.
 */
public final class SaleTotals {
    long clicks;
    long carts;
    long ordersCreated;
    long ordersPaid;
    long ordersCancelled;
    long ordersRefunded;
    long inventorySnapshots;
    long restocks;
    /** Order lines dropped at checkout because the item was sold out. */
    long soldOutLines;
    long paidGmvCents;
    long refundedCents;

    public long clicks() {
        return clicks;
    }

    public long carts() {
        return carts;
    }

    public long ordersCreated() {
        return ordersCreated;
    }

    public long ordersPaid() {
        return ordersPaid;
    }

    public long ordersCancelled() {
        return ordersCancelled;
    }

    public long ordersRefunded() {
        return ordersRefunded;
    }

    public long inventorySnapshots() {
        return inventorySnapshots;
    }

    public long restocks() {
        return restocks;
    }

    public long soldOutLines() {
        return soldOutLines;
    }

    public long paidGmvCents() {
        return paidGmvCents;
    }

    public long refundedCents() {
        return refundedCents;
    }
}
