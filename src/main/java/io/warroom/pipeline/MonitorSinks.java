package io.warroom.pipeline;

/** Where the monitor's results go: Kafka topics live, a report in replay, collections in tests. */
@FunctionalInterface
public interface MonitorSinks {
    void attach(MonitorStreams streams);

    /** These sinks, then {@code more} on the same streams. */
    default MonitorSinks andThen(MonitorSinks more) {
        return streams -> {
            attach(streams);
            more.attach(streams);
        };
    }
}
