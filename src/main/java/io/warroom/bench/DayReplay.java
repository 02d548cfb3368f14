package io.warroom.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.warroom.config.StateBackendChoice;
import io.warroom.io.FileInputs;
import io.warroom.serde.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The day section's replay, on RocksDB with incremental checkpoints, in a JVM of its own started with a small heap,
 * so that its resident memory is the job's and nothing else's. The bench starts it with {@link #inChildJvm}; its
 * {@link #main} replays and prints the outcome as one JSON line after {@link #RESULT}.
 */
public final class DayReplay {
    static final String RESULT = "DAY-REPLAY-RESULT ";

    /** A finished day replay: its report, speed, peak resident memory, and the checkpoints taken on the way. */
    record Outcome(Path report, double seconds, long records, long peakResidentBytes,
            List<CheckpointWatcher.Completed> checkpoints) {}

    private DayReplay() {}

    /** usage: DayReplay CAMPAIGN_FILE INPUT_DIR RECORDS RUN_DIR PARALLELISM CHECKPOINT_INTERVAL */
    public static void main(String[] args) throws Exception {
        Path campaignFile = Path.of(args[0]);
        FileInputs inputs = FileInputs.inFolder(Path.of(args[1]));
        ReplayRun.Result r = ReplayRun.run(campaignFile, inputs, Long.parseLong(args[2]), Integer.parseInt(args[4]),
                Duration.parse(args[5]), StateBackendChoice.ROCKSDB, Path.of(args[3]));
        ObjectNode out = Json.object();
        out.put("report", r.report().toAbsolutePath().toString());
        out.put("seconds", r.speed().seconds());
        out.put("records", r.speed().records());
        out.put("peak_resident_bytes", MachineInfo.peakResidentBytes());
        ArrayNode checkpoints = out.putArray("checkpoints");
        r.checkpoints().forEach(c -> c.writeTo(checkpoints.addObject()));
        System.out.println(RESULT + out);
        System.out.flush();
        System.exit(0); // RocksDB's and Flink's non-daemon threads must not keep the measured JVM alive
    }

    /**
     * Replays {@code input} in a new JVM ({@code java -Xmx<heap> -cp <this class path> DayReplay ...}), echoing its
     * output to {@code log}; throws if it fails.
     */
    static Outcome inChildJvm(BenchInput input, Path runDir, String heap, int parallelism, Duration checkpoints,
            PrintWriter log) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = List.of(java, "-Xmx" + heap, "-cp", System.getProperty("java.class.path"),
                DayReplay.class.getName(), input.campaignFile().toAbsolutePath().toString(),
                input.folder().toAbsolutePath().toString(), Long.toString(input.records()),
                runDir.toAbsolutePath().toString(), Integer.toString(parallelism), checkpoints.toString());
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        JsonNode result = null;
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null; ) {
                if (line.startsWith(RESULT)) {
                    result = Json.readTree(line.substring(RESULT.length()).getBytes(StandardCharsets.UTF_8));
                } else {
                    log.println("  | " + line);
                    log.flush();
                }
            }
        }
        int exit = child.waitFor();
        if (exit != 0 || result == null) {
            throw new BenchFailure("the day replay of " + input.folder() + " failed (exit " + exit + ")");
        }
        List<CheckpointWatcher.Completed> taken = new ArrayList<>();
        for (JsonNode c : result.get("checkpoints")) {
            taken.add(CheckpointWatcher.Completed.readFrom(c));
        }
        return new Outcome(Path.of(result.get("report").asText()), result.get("seconds").asDouble(),
                result.get("records").asLong(), result.get("peak_resident_bytes").asLong(), taken);
    }
}
