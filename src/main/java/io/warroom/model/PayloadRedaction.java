package io.warroom.model;

/** How the payload of a dead-letter record was redacted; none (a null) means it was kept as it arrived. */
public enum PayloadRedaction {
    /** Read as JSON to its end; the value of every user-id field replaced by its keyed hash. */
    USER_IDS("user_ids"),
    /**
     * Not JSON to its end: kept only up to the first point that could not be read, with the user ids in that part
     * replaced; the rest dropped.
     */
    CUT("cut");

    private final String code;

    PayloadRedaction(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
