package io.warroom.model;

/**
 * What a source emits: exactly one of a parsed event or a rejected record. One type for all four streams lets a
 * single Kafka source read every topic, with per-partition watermarks across them.
 */
public record InputRecord(
        ClickEvent click, CartEvent cart, OrderEvent order, InventoryEvent inventory, RejectedRecord rejected) {

    public static InputRecord of(ClickEvent e) {
        return new InputRecord(e, null, null, null, null);
    }

    public static InputRecord of(CartEvent e) {
        return new InputRecord(null, e, null, null, null);
    }

    public static InputRecord of(OrderEvent e) {
        return new InputRecord(null, null, e, null, null);
    }

    public static InputRecord of(InventoryEvent e) {
        return new InputRecord(null, null, null, e, null);
    }

    public static InputRecord of(RejectedRecord r) {
        return new InputRecord(null, null, null, null, r);
    }

    /** The stream of an event (not of a rejected record, which names its stream as text). */
    public StreamKind stream() {
        if (click != null) return StreamKind.CLICK;
        if (cart != null) return StreamKind.CART;
        if (order != null) return StreamKind.ORDER;
        if (inventory != null) return StreamKind.INVENTORY;
        throw new IllegalStateException("a rejected record has no event stream");
    }

    /** Event time for watermarking; rejected records never move it. */
    public long eventTime() {
        if (click != null) return click.ts();
        if (cart != null) return cart.ts();
        if (order != null) return order.ts();
        if (inventory != null) return inventory.ts();
        return Long.MIN_VALUE;
    }
}
