package io.warroom.functions;

import io.warroom.model.StreamKind;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * Pipeline health counters of the input streams, in the group {@code warroom}, labelled {@code stream}. Each
 * operator registers the ones it counts (dashboards sum them across operators).
 */
final class StreamCounters {
    private StreamCounters() {}

    /** One counter per input stream, indexed by {@link StreamKind#ordinal()}. */
    static Counter[] perStream(MetricGroup warroom, String name) {
        Counter[] counters = new Counter[StreamKind.values().length];
        for (StreamKind stream : StreamKind.values()) {
            counters[stream.ordinal()] = group(warroom, stream).counter(name);
        }
        return counters;
    }

    static MetricGroup group(MetricGroup warroom, StreamKind stream) {
        return warroom.addGroup("stream", stream.defaultName());
    }
}
