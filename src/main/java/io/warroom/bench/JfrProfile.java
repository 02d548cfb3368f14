package io.warroom.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * A Java Flight Recorder profile of one run (JFR's "profile" settings: method samples every 10-20 ms), written to a
 * file, and its summary: where the CPU samples fall by top method, by thread (Flink names task threads after their
 * chained operators) and by library. The same file opens in JDK Mission Control or {@code jfr print}.
 */
final class JfrProfile implements AutoCloseable {
    private static final int TOP = 15;

    /** A share of all execution samples. */
    record Share(String name, long samples, double share) {}

    /** The profile's execution samples, summarized. */
    record Summary(Path file, long samples, List<Share> methods, List<Share> threads, List<Share> libraries) {}

    private final Recording recording;
    private final Path file;

    private JfrProfile(Recording recording, Path file) {
        this.recording = recording;
        this.file = file;
    }

    static JfrProfile start(Path file) throws IOException {
        Recording recording;
        try {
            recording = new Recording(Configuration.getConfiguration("profile"));
        } catch (ParseException e) {
            throw new IOException("JFR's profile settings cannot be read", e);
        }
        recording.setToDisk(true);
        recording.setDestination(file);
        recording.start();
        return new JfrProfile(recording, file);
    }

    /** Stops recording, writes the file and summarizes it. */
    Summary stop() throws IOException {
        recording.stop();
        recording.close();
        Map<String, Long> methods = new HashMap<>();
        Map<String, Long> threads = new HashMap<>();
        Map<String, Long> libraries = new HashMap<>();
        long samples = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
            if (!"jdk.ExecutionSample".equals(event.getEventType().getName())) {
                continue;
            }
            RecordedStackTrace stack = event.getStackTrace();
            if (stack == null || stack.getFrames().isEmpty()) {
                continue;
            }
            samples++;
            RecordedFrame top = stack.getFrames().get(0);
            String type = top.getMethod().getType().getName();
            methods.merge(type + "." + top.getMethod().getName(), 1L, Long::sum);
            libraries.merge(library(stack), 1L, Long::sum);
            String thread = event.getThread("sampledThread") == null ? "?"
                    : event.getThread("sampledThread").getJavaName();
            threads.merge(threadGroup(thread), 1L, Long::sum);
        }
        return new Summary(file, samples, top(methods, samples), top(threads, samples), top(libraries, samples));
    }

    /** The first frame that belongs to a known library, from the top: whose code the sample is spent in. */
    private static String library(RecordedStackTrace stack) {
        for (RecordedFrame frame : stack.getFrames()) {
            String type = frame.getMethod().getType().getName();
            if (type.startsWith("io.warroom.")) {
                return "warroom";
            }
            if (type.startsWith("com.fasterxml.jackson.")) {
                return "Jackson";
            }
            if (type.startsWith("org.apache.datasketches.")) {
                return "DataSketches";
            }
            if (type.startsWith("org.apache.kafka.")) {
                return "Kafka";
            }
            if (type.startsWith("org.apache.flink.")) {
                return "Flink";
            }
        }
        return "JDK and other";
    }

    /** "Item stats (1/2)#0" and "Item stats (2/2)#0" are one operator. */
    private static String threadGroup(String name) {
        return name.replaceAll(" \\(\\d+/\\d+\\)(#\\d+)?$", "").replaceAll("-\\d+$", "-N");
    }

    private static List<Share> top(Map<String, Long> counts, long total) {
        List<Share> shares = new ArrayList<>();
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(TOP)
                .forEach(e -> shares.add(new Share(e.getKey(), e.getValue(), (double) e.getValue() / total)));
        return shares;
    }

    @Override
    public void close() {
        recording.close();
    }
}
