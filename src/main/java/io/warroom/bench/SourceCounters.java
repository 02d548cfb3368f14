package io.warroom.bench;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;

/**
 * Counts the records the file sources of a run have read, from Flink's own {@code numRecordsOut} counters of the
 * source operators (named {@code "Replay <file>"} by {@link io.warroom.io.FileInputs}). A metric reporter sees them
 * without adding an operator to the job, so the measured pipeline is exactly the replay pipeline. The benchmark runs
 * Flink in its own JVM, one job at a time, so a process-wide set is enough; {@link #reset()} starts a run.
 */
public final class SourceCounters implements MetricReporter {
    static final String SOURCE_NAME_PART = "Replay ";

    private static final Set<Counter> COUNTERS = ConcurrentHashMap.newKeySet();

    /** Forgets the counters of the previous run. */
    static void reset() {
        COUNTERS.clear();
    }

    /** Records read so far by the sources of the current run. */
    static long recordsRead() {
        long sum = 0;
        for (Counter c : COUNTERS) {
            sum += c.getCount();
        }
        return sum;
    }

    @Override
    public void open(MetricConfig config) {}

    @Override
    public void close() {}

    @Override
    public void notifyOfAddedMetric(Metric metric, String metricName, MetricGroup group) {
        if (!"numRecordsOut".equals(metricName) || !(metric instanceof Counter counter)) {
            return;
        }
        String operator = group.getAllVariables().get("<operator_name>");
        if (operator != null && operator.contains(SOURCE_NAME_PART)) {
            COUNTERS.add(counter);
        }
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String metricName, MetricGroup group) {
        // Kept: the final count is read after the job has ended.
    }
}
