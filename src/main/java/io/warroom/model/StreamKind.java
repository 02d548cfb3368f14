package io.warroom.model;

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

    /** The stream with this default name ({@code "clicks"}, ...). */
    public static StreamKind fromName(String name) {
        for (StreamKind kind : values()) {
            if (kind.defaultName.equals(name)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("no stream " + name);
    }
}
