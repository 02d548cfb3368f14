package io.warroom.bench;

/**
 * How fast one run went: records read, wall-clock seconds of the whole run (from building the job to its last
 * output, embedded Flink start included), the steady-state rate over the middle of the input, the time to the
 * first record read, and the machine's one-minute load average when the run ended (on a shared machine, a load
 * above the core count means the run did not have the cores to itself).
 */
public record RunMeasurement(
        long records, double seconds, double steadyRate, double secondsToFirstRecord, double loadAverage) {

    RunMeasurement(long records, double seconds, double steadyRate, double secondsToFirstRecord) {
        this(records, seconds, steadyRate, secondsToFirstRecord, MachineInfo.loadAverageValue());
    }

    public double wholeRate() {
        return records / seconds;
    }
}
