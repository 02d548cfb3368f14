package io.warroom.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * {@code warroom} in a JVM of its own, started as an operator starts it ({@code java ... io.warroom.cli.WarroomCli}):
 * the main classes and their dependencies on the class path, not the tests, so it logs through the shipped
 * {@code log4j2.properties}. Its standard output and error go to one log file. {@link #kill()} is a SIGKILL, the crash
 * a restore has to recover from.
 */
public final class WarroomProcess implements AutoCloseable {
    private final Process process;
    private final Path log;

    private WarroomProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts {@code warroom args...}; returns at once. */
    public static WarroomProcess start(Path log, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx1g");
        // The shipped logging configuration, as in warroom.jar: Flink's test jars on the class path carry a
        // log4j2-test.properties that log4j2 would prefer, and that turns all logging off.
        command.add("-Dlog4j2.configurationFile=" + shippedLogConfiguration());
        // The same --add-opens as this JVM: Flink's serializers need them on Java 17.
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-opens"))
                .forEach(command::add);
        command.add("-cp");
        command.add(mainClassPath());
        command.add("io.warroom.cli.WarroomCli");
        command.addAll(Arrays.asList(args));
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        return new WarroomProcess(process, log);
    }

    private static String shippedLogConfiguration() {
        URL config = WarroomProcess.class.getClassLoader().getResource("log4j2.properties");
        if (config == null) {
            throw new IllegalStateException("log4j2.properties of the main resources is not on the class path");
        }
        return config.toString();
    }

    /** Surefire's test class path without the test classes; surefire hides it behind a manifest-only jar. */
    private static String mainClassPath() {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return Arrays.stream(classPath.split(File.pathSeparator))
                .filter(entry -> !entry.endsWith("test-classes") && !entry.endsWith("test-classes" + File.separator))
                .collect(Collectors.joining(File.pathSeparator));
    }

    /** SIGKILL, and waits until the process is gone: nothing of it gets to clean up. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Everything it printed so far. */
    public String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The lines of {@link #log()} that contain {@code text}. */
    public List<String> logLines(String text) {
        return log().lines().filter(line -> line.contains(text)).toList();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
