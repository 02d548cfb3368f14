package io.warroom.cli;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Runs {@code warroom replay} in a JVM of its own, tuned for throughput. A replay is a batch job of a minute or so on
 * a machine of few cores, where the JVM's own threads compete with the job's:
 * <ul>
 *   <li><b>The parallel collector</b>, not G1, whose write barriers and remembered sets cost a replay of a million
 *       users a fifth of its time (44.0 s against 36.7 s for the same 5M records, docs/benchmarks.md).
 *   <li><b>Less optimizing compilation</b> ({@link #COMPILER_OPTIONS}): Flink's record path inlines deep, and C2
 *       spent 19 s of CPU compiling it, some methods four times over, in a replay of 50 s on two cores. Fewer,
 *       smaller compilations of the hottest methods only cut the replay's CPU time by a quarter (docs/benchmarks.md).
 *   <li><b>Room from the start</b>, half the maximum heap and enough for Flink's classes: growing step by step, each
 *       took three full collections.
 * </ul>
 * A JVM cannot take these once started, and {@code java -jar} takes no JVM options from the jar, so the launcher
 * starts the replay again in a child with these options, then the user's own (which win), passes its output and exit
 * code through, and stops it if it is stopped itself.
 *
 * <p>Nothing is forked when the user chose a collector ({@code -XX:+Use...GC}) or instruments this JVM (an agent, a
 * flight recording: they would watch an idle parent), to ask for help or the version, inside the child, or where
 * Flink runs the command for a cluster ({@code flink run}), whose job must not become a local one.
 */
final class ThroughputJvm {
    /** Set in the child, so that it runs the replay itself. */
    static final String CHILD_PROPERTY = "warroom.throughput-jvm";

    private static final Set<String> HELP = Set.of("-h", "--help", "-V", "--version");

    /**
     * C2 compiles only methods about ten times hotter than by default, and inlines two levels deep and small callees
     * only. Measured on this project's realistic 5M-record sale and on an 8.5M-record one of 5,000 items.
     */
    static final List<String> COMPILER_OPTIONS = List.of(
            "-XX:Tier4InvocationThreshold=40000", "-XX:Tier4CompileThreshold=50000",
            "-XX:Tier4BackEdgeThreshold=400000", "-XX:MaxInlineLevel=2", "-XX:InlineSmallCode=300",
            "-XX:FreqInlineSize=100");

    /** Options by which the user sizes the starting heap: then the child leaves it to them (they must agree). */
    private static final List<String> INITIAL_HEAP_OPTIONS = List.of("-Xms", "-XX:InitialHeapSize",
            "-XX:MinHeapSize", "-XX:InitialRAMPercentage", "-XX:MinRAMPercentage");

    private ThroughputJvm() {}

    /** Whether {@code args} are a replay this JVM should hand to a child. */
    static boolean wanted(String[] args) {
        if (args.length == 0 || !args[0].equals("replay") || System.getProperty(CHILD_PROPERTY) != null) {
            return false;
        }
        for (String arg : args) {
            if (HELP.contains(arg)) {
                return false;
            }
        }
        return jvmOptions().stream().noneMatch(o -> o.startsWith("-XX:+Use") && o.endsWith("GC")
                || o.startsWith("-agent") || o.startsWith("-javaagent") || o.startsWith("-XX:StartFlightRecording"))
                && !FlinkDeployment.onCluster();
    }

    /** Runs {@code args} in the child and returns its exit code. */
    static int run(String[] args) throws Exception {
        Process child = new ProcessBuilder(childCommand(args)).inheritIO().start();
        Thread stopChild = new Thread(child::destroy, "stop-replay-jvm");
        Runtime.getRuntime().addShutdownHook(stopChild);
        int exitCode = child.waitFor();
        Runtime.getRuntime().removeShutdownHook(stopChild);
        return exitCode;
    }

    /** This JVM's command line for {@code args}: the throughput options, this JVM's own, the parallel collector. */
    static List<String> childCommand(String[] args) {
        return childCommand(args, jvmOptions());
    }

    /** The child's command line for {@code args}, given this JVM's own options. */
    static List<String> childCommand(String[] args, List<String> own) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(COMPILER_OPTIONS);
        command.add("-XX:MetaspaceSize=256m");
        if (own.stream().noneMatch(o -> INITIAL_HEAP_OPTIONS.stream().anyMatch(o::startsWith))) {
            // Half the heap from the start: grown step by step, the old generation took three full collections.
            command.add("-Xms" + Runtime.getRuntime().maxMemory() / 2 / (1024 * 1024) + "m");
        }
        command.addAll(own); // after ours: the user's own options win
        command.add("-XX:+UseParallelGC");
        command.add("-D" + CHILD_PROPERTY + "=true");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(WarroomCli.class.getName());
        command.addAll(List.of(args));
        return command;
    }

    private static List<String> jvmOptions() {
        return ManagementFactory.getRuntimeMXBean().getInputArguments();
    }
}
