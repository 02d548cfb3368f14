package io.warroom.bench;

/**
 * How fast one run went: records read, wall-clock seconds of the whole run (from building the job to its last
 * output, embedded Flink start included), the steady-state rate over the middle of the input, and the time to the
 * first record read.
 */
public record RunMeasurement(long records, double seconds, double steadyRate, double secondsToFirstRecord) {
    public double wholeRate() {
        return records / seconds;
    }
}
