package io.warroom.model;

import java.util.Locale;

/** Order lifecycle states of the event contract. The rank breaks ties between events of one order at the same ts. */
public enum OrderStatus {
    CREATED,
    PAID,
    CANCELLED,
    REFUNDED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses the wire form ({@code "paid"}); returns null for anything else, including other casings. */
    public static OrderStatus fromWire(String value) {
        return switch (value) {
            case "created" -> CREATED;
            case "paid" -> PAID;
            case "cancelled" -> CANCELLED;
            case "refunded" -> REFUNDED;
            default -> null;
        };
    }

    public int bit() {
        return 1 << ordinal();
    }
}
