package io.warroom.generator;

import java.util.List;

/**
 * An order between its creation and its last status change (paid and maybe refunded, or cancelled).
 *
 * @param priceAsNumber whether this order's events write {@code unit_price} as a JSON number rather than a string;
 *     the contract allows both, and producers differ
 */
record PendingOrder(String orderId, String userId, List<Line> lines, boolean priceAsNumber) {

    /** One order line; the price is the item's fixed price in cents. */
    record Line(int item, String itemId, long quantity, long unitPriceCents) {
        long amountCents() {
            return Math.multiplyExact(quantity, unitPriceCents);
        }
    }

    static long amountCents(List<Line> lines) {
        long total = 0;
        for (Line line : lines) {
            total = Math.addExact(total, line.amountCents());
        }
        return total;
    }
}
