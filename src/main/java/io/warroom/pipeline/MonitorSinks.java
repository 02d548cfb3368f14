package io.warroom.pipeline;

/** Where the monitor's results go: Kafka topics live, a report in replay, collections in tests. */
@FunctionalInterface
public interface MonitorSinks {
    void attach(MonitorStreams streams);
}
