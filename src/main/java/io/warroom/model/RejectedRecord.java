package io.warroom.model;

/**
 * A record that broke the event contract.
 *
 * @param stream the stream it was read from ({@code clicks}, ...)
 * @param origin where it came from: {@code topic/partition@offset} or {@code file:line}
 * @param payload the record as text (invalid UTF-8 replaced), cut to a bounded length
 * @param payloadBase64 the exact bytes, only when they are not valid UTF-8 or were cut
 */
public record RejectedRecord(
        String stream, String origin, RejectReason reason, String detail, String payload, String payloadBase64) {

    /** The same rejection, found at {@code where} (named only for rejected records, to spare the accepted ones). */
    public RejectedRecord at(String where) {
        return new RejectedRecord(stream, where, reason, detail, payload, payloadBase64);
    }
}
