package io.warroom.cli;

import io.warroom.bench.BenchFailure;
import io.warroom.bench.BenchOptions;
import io.warroom.bench.BenchSection;
import io.warroom.bench.Benchmark;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The benchmark of issue 6 (docs/benchmarks.md): throughput, skew, latency, memory and checkpoint cost. */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Benchmarks the monitor on a generated input: replay throughput at parallelism 1 and 2 against a "
                    + "single-thread floor and a Flink SQL peer, a hit item with half the traffic, live latency "
                    + "over an embedded Kafka, memory against items and users, and the cost of checkpoints; with "
                    + "--only day, a day-long sale on RocksDB with a 1 GiB heap (long: three runs of --day-events).",
            "Every replay's numbers are checked against the floor's exact ones; the run fails if they differ. "
                    + "Writes a Markdown table and a JSON file. Give the JVM room: -Xmx8g or more."
        })
final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--events", paramLabel = "N", defaultValue = "5000000",
            description = "Records in the generated input, about (default: ${DEFAULT-VALUE}).")
    long events;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42",
            description = "Seed of the generated input (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--only", paramLabel = "SECTIONS",
            defaultValue = "replay,floor,sql,skew,latency,memory,checkpoints,yardsticks",
            description = "Sections to run, comma-separated (default: ${DEFAULT-VALUE}).")
    String only;

    @Option(names = "--out", paramLabel = "FILE", defaultValue = "out/bench/bench.md",
            description = "The Markdown table; the JSON goes next to it as .json (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--work-dir", paramLabel = "DIR", defaultValue = "out/bench/work",
            description = "Inputs (generated once and reused), reports, checkpoints, profiles "
                    + "(default: ${DEFAULT-VALUE}).")
    Path workDir;

    @Option(names = "--latency-length", paramLabel = "DURATION", defaultValue = "60s",
            converter = DurationConverter.class,
            description = "How long each offered rate is produced (default: ${DEFAULT-VALUE}).")
    Duration latencyLength;

    @Option(names = "--latency-backlog", paramLabel = "N", defaultValue = "600000",
            description = "Records of the backlog that measures the live maximum rate (default: ${DEFAULT-VALUE}).")
    long latencyBacklog;

    @Option(names = "--memory-events", paramLabel = "N", defaultValue = "300000",
            description = "Records of each memory run (default: ${DEFAULT-VALUE}).")
    long memoryEvents;

    @Option(names = "--day-events", paramLabel = "N", defaultValue = "10000000",
            description = "Records of each run of the day section (default: ${DEFAULT-VALUE}).")
    long dayEvents;

    @Option(names = "--profile",
            description = "Record a JFR profile of an extra replay at parallelism 2 (not in the figures) and "
                    + "summarize its hot methods.")
    boolean profile;

    @Option(names = "--warm-up", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Replay a small input first, outside the figures (default: on).")
    boolean warmUp;

    @Option(names = "--repeat", paramLabel = "N", defaultValue = "1",
            description = "Make each throughput run N times and keep the fastest, against interference on a shared "
                    + "machine (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--peers", paramLabel = "DIR", defaultValue = "../shared/peers",
            description = "The yardsticks: a folder with run.sh, which runs a plain and a tuned single-thread loop and "
                    + "a Flink SQL peer over an input folder (default: ${DEFAULT-VALUE}).")
    Path peers;

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Set<BenchSection> sections;
        try {
            sections = BenchSection.parse(only);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--only: " + e.getMessage());
        }
        if (events < 10_000 || memoryEvents < 10_000 || latencyBacklog < 10_000 || dayEvents < 10_000) {
            throw new ParameterException(spec.commandLine(),
                    "--events, --memory-events, --latency-backlog and --day-events need at least 10000 records");
        }
        if (repeat < 1) {
            throw new ParameterException(spec.commandLine(), "--repeat needs at least 1");
        }
        if (latencyLength.toSeconds() < 20) {
            throw new ParameterException(spec.commandLine(), "--latency-length needs at least 20s");
        }
        // The parse result of a subcommand holds the whole command line, "bench" included.
        String commandLine = "java -jar target/warroom.jar "
                + String.join(" ", spec.commandLine().getParseResult().originalArgs());
        BenchOptions options = new BenchOptions(events, seed, sections, out, workDir, latencyLength, latencyBacklog,
                memoryEvents, dayEvents, profile, warmUp, repeat, peers, commandLine.trim());
        try {
            String table = new Benchmark(options, err).run();
            stdout.println(table);
            stdout.printf("Written to %s and %s.%n", options.out(), options.jsonOut());
            return 0;
        } catch (BenchFailure e) {
            err.println("BENCHMARK FAILED: " + e.getMessage());
            return 1;
        }
    }
}
