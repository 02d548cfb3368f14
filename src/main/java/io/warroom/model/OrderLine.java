package io.warroom.model;

/** One line of an order; the price is held in exact cents, never as a floating-point number. */
public record OrderLine(String itemId, long quantity, long unitPriceCents) {

    /** quantity x unit_price, in cents; the parser guarantees it fits in a long. */
    public long amountCents() {
        return quantity * unitPriceCents;
    }
}
