package io.warroom.generator;

/**
 * Available stock of the watched items as the sale goes: orders reserve, cancellations release, restocks add.
 * Stock never goes below zero: a line that cannot be reserved is dropped from its order (sold out at checkout).
 * Unwatched items have unlimited stock.
 */
final class Warehouse {
    private final long[] available;
    private final boolean[] watched;

    Warehouse(int items, StockPlan plan) {
        this.available = new long[items];
        this.watched = new boolean[items];
        for (StockPlan.Watched w : plan.watched()) {
            available[w.item()] = w.stock();
            watched[w.item()] = true;
        }
    }

    boolean tryReserve(int item, long quantity) {
        if (!watched[item]) {
            return true;
        }
        if (available[item] < quantity) {
            return false;
        }
        available[item] -= quantity;
        return true;
    }

    void release(int item, long quantity) {
        if (watched[item]) {
            available[item] += quantity;
        }
    }

    void restock(int item, long quantity) {
        available[item] += quantity;
    }

    long available(int item) {
        return available[item];
    }
}
