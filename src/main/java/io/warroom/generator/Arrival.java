package io.warroom.generator;

import io.warroom.model.StreamKind;

/**
 * A record as it reaches the topic or file: possibly a re-send, a late or a malformed record.
 *
 * @param arrivalMillis the simulated instant it is delivered; records are written in this order
 * @param eventMillis the event time of the event it carries (or was made from, for a malformed record)
 * @param late delivered far beyond the disorder bound (a late event, or a re-send of one)
 */
record Arrival(
        StreamKind stream, String key, byte[] value, long arrivalMillis, long eventMillis, Kind kind, boolean late) {

    /** Why the record is there. */
    enum Kind {
        /** The event's first copy. */
        ORIGINAL,
        /** An exact re-send of an event. */
        DUPLICATE,
        /** A record that breaks the event contract. */
        MALFORMED
    }
}
