package io.warroom.bench;

import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/** Plugs {@link SourceCounters} into an embedded Flink (listed in META-INF/services, as Flink finds reporters). */
public final class SourceCountersFactory implements MetricReporterFactory {
    private static final String PREFIX = "metrics.reporter.warroom-bench.";

    /** Adds the reporter to a run's configuration. */
    static void enable(Configuration config) {
        config.setString(PREFIX + "factory.class", SourceCountersFactory.class.getName());
    }

    @Override
    public MetricReporter createMetricReporter(Properties properties) {
        return new SourceCounters();
    }
}
