package io.warroom.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * Watches a checkpoint directory while a job runs and remembers every completed checkpoint ({@code chk-N} with its
 * {@code _metadata}): when it appeared, how many records had been read by then, its size and the process's resident
 * memory. Flink discards a finished job's checkpoints, so they are measured while they exist.
 *
 * <p>A checkpoint's size is its own folder plus the job's {@code shared} and {@code taskowned} folders: with the
 * heap state backend those are empty and the size is the full snapshot; with RocksDB's incremental checkpoints they
 * hold the SST files the checkpoint refers to, together with files of the previous checkpoint not yet deleted, so the
 * figure is an upper bound of the state's size, by at most one checkpoint's increment.
 */
final class CheckpointWatcher implements AutoCloseable {
    /** One completed checkpoint, as seen {@code seconds} after the watcher started. */
    record Completed(int id, double seconds, long recordsRead, long bytes, long residentBytes) {
        void writeTo(ObjectNode json) {
            json.put("id", id).put("seconds", seconds).put("records_read", recordsRead).put("bytes", bytes)
                    .put("resident_bytes", residentBytes);
        }

        static Completed readFrom(JsonNode json) {
            return new Completed(json.get("id").asInt(), json.get("seconds").asDouble(),
                    json.get("records_read").asLong(), json.get("bytes").asLong(), json.get("resident_bytes").asLong());
        }
    }

    private final Path directory;
    private final LongSupplier recordsRead;
    private final long startNanos = System.nanoTime();
    private final Map<Integer, Completed> completed = new TreeMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    CheckpointWatcher(Path directory, LongSupplier recordsRead) {
        this.directory = directory;
        this.recordsRead = recordsRead;
        this.thread = new Thread(this::watch, "warroom-bench-checkpoints");
        thread.setDaemon(true);
        thread.start();
    }

    private void watch() {
        while (running) {
            scan();
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void scan() {
        if (!Files.isDirectory(directory)) {
            return;
        }
        try (Stream<Path> jobs = Files.list(directory)) {
            for (Path job : (Iterable<Path>) jobs::iterator) {
                try (Stream<Path> checkpoints = Files.list(job)) {
                    for (Path chk : (Iterable<Path>) checkpoints::iterator) {
                        String name = chk.getFileName().toString();
                        if (name.startsWith("chk-") && Files.exists(chk.resolve("_metadata"))) {
                            record(Integer.parseInt(name.substring(4)), job, chk);
                        }
                    }
                }
            }
        } catch (IOException | UncheckedIOException | NumberFormatException e) {
            // A checkpoint deleted while being listed; the next scan sees the current ones.
        }
    }

    private void record(int id, Path job, Path chk) throws IOException {
        synchronized (completed) {
            if (completed.containsKey(id)) {
                return;
            }
        }
        long records = recordsRead.getAsLong();
        long bytes = sizeOf(chk) + sizeOf(job.resolve("shared")) + sizeOf(job.resolve("taskowned"));
        Completed c = new Completed(id, (System.nanoTime() - startNanos) / 1e9, records, bytes,
                MachineInfo.residentBytes());
        synchronized (completed) {
            completed.putIfAbsent(id, c);
        }
    }

    static long sizeOf(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        }
    }

    /** The completed checkpoints in order. */
    List<Completed> completed() {
        synchronized (completed) {
            return new ArrayList<>(completed.values());
        }
    }

    @Override
    public void close() throws InterruptedException {
        scan();
        running = false;
        thread.interrupt();
        thread.join();
    }
}
