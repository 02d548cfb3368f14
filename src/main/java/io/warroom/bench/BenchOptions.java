package io.warroom.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * What a benchmark run does.
 *
 * @param events size of the generated input, in records (about: the generator sizes a sale to it)
 * @param out the Markdown table; the JSON goes next to it with the extension {@code .json}
 * @param workDir where inputs, reports, checkpoints and profiles are kept; inputs are reused across runs
 * @param latencyLength how long each offered rate is produced in the latency section
 * @param latencyBacklog records of the backlog whose catch-up rate is the live maximum rate
 * @param memoryEvents records of each run of the memory section
 * @param profile whether to record a JFR profile of the replay at parallelism 2
 * @param warmUp whether to replay a small input first, so the first measured run does not pay for JIT warm-up
 * @param repeat how many times each throughput run is made; the fastest counts
 * @param peers the folder of the yardsticks ({@code run.sh} and its sources)
 */
public record BenchOptions(
        long events,
        long seed,
        Set<BenchSection> sections,
        Path out,
        Path workDir,
        Duration latencyLength,
        long latencyBacklog,
        long memoryEvents,
        long dayEvents,
        boolean profile,
        boolean warmUp,
        int repeat,
        Path peers,
        String commandLine) {

    public boolean runs(BenchSection section) {
        return sections.contains(section);
    }

    public Path jsonOut() {
        String name = out.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return out.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".json");
    }
}
