package io.warroom.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code warroom} in its own JVM, started as ops start it: {@code java -jar warroom.jar ...} when
 * {@code -Dwarroom.soak.jar=PATH} names a built jar, else the main class on this test JVM's class path without the
 * test classes and test jars (whose {@code log4j2-test.properties} would turn its logging off), with the JVM flags
 * the jar's manifest carries. Its output is appended to one log file, across restarts each start under a header
 * line.
 *
 * <p>{@link #kill()} is SIGKILL: the JVM gets no shutdown hook, no cancellation, no last checkpoint, as when the
 * kernel's OOM killer or a lost machine ends it.
 */
public final class WarroomProcess implements AutoCloseable {
    /** What {@code Process.exitValue()} reports for a process ended by signal 9 on Linux: 128 + 9. */
    public static final int SIGKILL_EXIT = 137;

    private static final Pattern CHECKPOINT = Pattern.compile("chk-(\\d+)");

    private final Process process;
    private final Path log;
    /** Where this process's part of the log begins: the file may hold earlier processes' output. */
    private final long logStart;
    private final Thread reaper;

    private WarroomProcess(Process process, Path log, long logStart) {
        this.process = process;
        this.log = log;
        this.logStart = logStart;
        // Should the test JVM end without reaching its cleanup (a surefire timeout), take the job down with it.
        this.reaper = new Thread(process::destroyForcibly, "kill-warroom-job-" + process.pid());
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    /**
     * Starts {@code warroom ARGS} (the command first, e.g. {@code run}) with a heap of {@code heap} (as {@code -Xmx});
     * returns at once.
     *
     * @param label written to the log before the process's own output
     */
    public static WarroomProcess start(List<String> args, String heap, Path log, String label) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + heap);
        String jar = System.getProperty("warroom.soak.jar");
        if (jar != null && !jar.isBlank()) {
            command.add("-jar");
            command.add(Path.of(jar).toAbsolutePath().toString());
        } else {
            command.addAll(manifestJvmFlags());
            command.add("-cp");
            command.add(runtimeClassPath());
            command.add("io.warroom.cli.WarroomCli");
        }
        command.addAll(args);
        Files.createDirectories(log.getParent());
        long logStart = Files.exists(log) ? Files.size(log) : 0;
        Files.writeString(log, "\n==== " + Instant.now() + " " + label + ": " + String.join(" ", redact(command))
                + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        return new WarroomProcess(process, log, logStart);
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** The exit code, or null while it runs. */
    public Integer exitCode() {
        return process.isAlive() ? null : process.exitValue();
    }

    public Path log() {
        return log;
    }

    /** Everything this process printed so far (after its header line in the log). */
    public String logText() {
        try {
            if (!Files.exists(log)) {
                return "";
            }
            byte[] all = Files.readAllBytes(log);
            int from = (int) Math.min(logStart, all.length);
            return new String(all, from, all.length - from, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The lines of {@link #logText()} that contain {@code text}. */
    public List<String> logLines(String text) {
        return logText().lines().filter(line -> line.contains(text)).toList();
    }

    /** SIGKILL, then waits for the process to be gone; returns its exit code ({@link #SIGKILL_EXIT}). */
    public int kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("process " + process.pid() + " survived SIGKILL for 60 s");
        }
        forget();
        return process.exitValue();
    }

    /** SIGTERM, as Ctrl-C or a service manager stops it; SIGKILL after 30 s. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }
        forget();
    }

    private void forget() {
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException e) {
            // already shutting down: the hook runs anyway and finds the process gone
        }
    }

    /** A complete retained checkpoint: {@code chk-N} holding its {@code _metadata}. */
    public record Checkpoint(long id, Path directory) {}

    /**
     * The newest complete checkpoint under {@code <checkpointDir>/<job-id>/chk-N}, over every job that wrote there:
     * ids go on counting from the restored checkpoint, so the highest N is the newest.
     */
    public static Optional<Checkpoint> newestCheckpoint(Path checkpointDir) {
        if (!Files.isDirectory(checkpointDir)) {
            return Optional.empty();
        }
        try (Stream<Path> jobs = Files.list(checkpointDir)) {
            Checkpoint newest = null;
            for (Path job : jobs.filter(Files::isDirectory).toList()) {
                try (Stream<Path> checkpoints = Files.list(job)) {
                    for (Path chk : checkpoints.toList()) {
                        Matcher m = CHECKPOINT.matcher(chk.getFileName().toString());
                        if (m.matches() && Files.isRegularFile(chk.resolve("_metadata"))) {
                            long id = Long.parseLong(m.group(1));
                            if (newest == null || id > newest.id()) {
                                newest = new Checkpoint(id, chk);
                            }
                        }
                    }
                } catch (IOException e) {
                    // a job directory being deleted or written right now; the next look finds it settled
                }
            }
            return Optional.ofNullable(newest);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The JVM flags of the jar's manifest ({@code Add-Opens} in pom.xml's shade configuration), so the class path
     * launch runs under the same module rules as {@code java -jar}.
     */
    static List<String> manifestJvmFlags() throws IOException {
        String pom = Files.readString(Path.of("pom.xml"));
        Matcher m = Pattern.compile("<Add-Opens>([^<]*)</Add-Opens>").matcher(pom);
        if (!m.find()) {
            throw new IllegalStateException("pom.xml has no Add-Opens manifest entry");
        }
        return Arrays.stream(m.group(1).trim().split("\\s+"))
                .map(p -> "--add-opens=" + p + "=ALL-UNNAMED")
                .toList();
    }

    /**
     * This JVM's class path (surefire puts the test class path in {@code java.class.path}) without what only tests
     * have: the test classes and test jars, whose {@code log4j2-test.properties} (Flink's turn logging off) would
     * otherwise win over the job's own logging configuration.
     */
    static String runtimeClassPath() {
        String classPath = System.getProperty("java.class.path");
        List<String> kept = new ArrayList<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            String normalized = entry.replace('\\', '/');
            if (normalized.endsWith("/test-classes") || normalized.endsWith("/test-classes/")
                    || normalized.endsWith("-tests.jar")) {
                continue;
            }
            kept.add(entry);
        }
        if (kept.stream().noneMatch(e -> e.replace('\\', '/').matches(".*/classes/?"))) {
            throw new IllegalStateException("the main classes are not on the class path: " + classPath);
        }
        return String.join(File.pathSeparator, kept);
    }

    /** The command as logged: the class path is hundreds of jars, and says nothing a reader needs. */
    private static List<String> redact(List<String> command) {
        List<String> shown = new ArrayList<>(command);
        int cp = shown.indexOf("-cp");
        if (cp >= 0) {
            shown.set(cp + 1, "<test class path without test classes>");
        }
        shown.removeIf(s -> s.startsWith("--add-opens="));
        return shown;
    }
}
