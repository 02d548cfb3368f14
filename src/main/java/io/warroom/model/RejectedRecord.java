package io.warroom.model;

/**
 * A record that broke the event contract.
 *
 * @param stream the stream it was read from ({@code clicks}, ...)
 * @param origin where it came from: {@code topic/partition@offset} or {@code file:line}
 * @param payload the record as text (invalid UTF-8 replaced), cut to a bounded length; redacted if
 *     {@code redaction} says so
 * @param payloadBase64 the exact bytes, only when they are not valid UTF-8 or were cut; never in a redacted record
 * @param redaction how the payload was redacted, or null if it is as it arrived
 * @param payloadHmac in a redacted record, the keyed hash (hex) of the exact bytes that were kept before redaction,
 *     so that a record someone holds can be matched; null otherwise
 */
public record RejectedRecord(
        String stream, String origin, RejectReason reason, String detail, String payload, String payloadBase64,
        PayloadRedaction redaction, String payloadHmac) {

    /** A rejection as found, before any redaction. */
    public RejectedRecord(
            String stream, String origin, RejectReason reason, String detail, String payload, String payloadBase64) {
        this(stream, origin, reason, detail, payload, payloadBase64, null, null);
    }

    /** The same rejection, found at {@code where} (named only for rejected records, to spare the accepted ones). */
    public RejectedRecord at(String where) {
        return new RejectedRecord(stream, where, reason, detail, payload, payloadBase64, redaction, payloadHmac);
    }
}
