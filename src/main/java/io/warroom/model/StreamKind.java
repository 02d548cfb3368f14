package io.warroom.model;

import java.util.Locale;

/** The four input streams of the event contract (v1), with their default Kafka topic and replay file names. */
public enum StreamKind {
    CLICK("clicks"),
    CART("carts"),
    ORDER("orders"),
    INVENTORY("inventory");

    private final String defaultName;

    StreamKind(String defaultName) {
        this.defaultName = defaultName;
    }

    /** Default topic name, also the base name of the replay file ({@code clicks.jsonl}). */
    public String defaultName() {
        return defaultName;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
