package io.warroom.bench;

import io.warroom.config.CampaignConfigException;
import io.warroom.config.CampaignLoader;
import io.warroom.config.CampaignTimeline;
import io.warroom.config.MonitorOptions;
import io.warroom.config.StateBackendChoice;
import io.warroom.embedded.EmbeddedFlinkListeners;
import io.warroom.io.FileInputs;
import io.warroom.io.ReplaySinks;
import io.warroom.pipeline.MonitorPipeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * One replay of a bench input through the monitor, exactly as {@code warroom replay} runs it ({@link MonitorPipeline}
 * with {@link FileInputs} and {@link ReplaySinks}), in a fresh embedded Flink, measured. Optionally with
 * exactly-once checkpoints into a fresh directory, whose sizes are recorded.
 */
final class ReplayRun {
    /** A run's speed, its report, and the checkpoints it completed (none without checkpointing). */
    record Result(RunMeasurement speed, Path report, List<CheckpointWatcher.Completed> checkpoints) {
        long largestCheckpointBytes() {
            return checkpoints.stream().mapToLong(CheckpointWatcher.Completed::bytes).max().orElse(0);
        }
    }

    private ReplayRun() {}

    /** A replay on the heap state backend. */
    static Result run(BenchInput input, int parallelism, Duration checkpointInterval, Path runDir)
            throws Exception {
        return run(input.campaignFile(), input.files(), input.records(), parallelism, checkpointInterval,
                StateBackendChoice.HASHMAP, runDir);
    }

    /** A replay of {@code inputs}, which must hold {@code expectedRecords} records (all of them are read). */
    static Result run(Path campaignFile, FileInputs inputs, long expectedRecords, int parallelism,
            Duration checkpointInterval, StateBackendChoice stateBackend, Path runDir) throws Exception {
        CampaignTimeline campaigns;
        try {
            campaigns = CampaignLoader.loadTimeline(List.of(campaignFile), List.of());
        } catch (CampaignConfigException e) {
            throw new IOException("campaign file refused: " + e.problems(), e);
        }
        Files.createDirectories(runDir);
        Path report = runDir.resolve("report.json");
        Path rejected = runDir.resolve("rejected.jsonl");
        Path checkpoints = runDir.resolve("checkpoints");
        Files.deleteIfExists(report);
        deleteTree(checkpoints); // a repeated run counts its own checkpoints only

        SourceCounters.reset();
        long start = System.nanoTime();
        Configuration config = new Configuration();
        SourceCountersFactory.enable(config);
        config.set(MonitorOptions.STATE_BACKEND, stateBackend);
        if (checkpointInterval != null) {
            config.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism,
                EmbeddedFlinkListeners.onLoopback(config));
        env.setRuntimeMode(RuntimeExecutionMode.STREAMING);
        if (checkpointInterval != null) {
            env.enableCheckpointing(checkpointInterval.toMillis(), CheckpointingMode.EXACTLY_ONCE);
        }
        new MonitorPipeline(campaigns, MonitorOptions.settings(config))
                .assemble(env, inputs, new ReplaySinks(report, rejected));
        try (ProgressSampler sampler = new ProgressSampler(SourceCounters::recordsRead, start);
                CheckpointWatcher watcher = checkpointInterval != null
                        ? new CheckpointWatcher(checkpoints, SourceCounters::recordsRead) : null) {
            env.execute("warroom bench replay");
            double seconds = (System.nanoTime() - start) / 1e9;
            long records = SourceCounters.recordsRead();
            if (records != expectedRecords) {
                throw new BenchFailure("the replay read " + records + " records of " + inputs.files() + ", which "
                        + "hold " + expectedRecords);
            }
            if (watcher != null) {
                watcher.close(); // a last scan, before its list is read
            }
            RunMeasurement speed = new RunMeasurement(records, seconds, sampler.steadyRate(records),
                    sampler.secondsToFirstRecord());
            return new Result(speed, report, watcher == null ? List.of() : watcher.completed());
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
