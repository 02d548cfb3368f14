package io.warroom.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Watches a checkpoint directory while a job runs and remembers every completed checkpoint ({@code chk-N} with its
 * {@code _metadata}) and its size. Flink discards a finished job's checkpoints, so they are measured while they
 * exist. Checkpoints are full snapshots of the heap state backend, so a checkpoint's size is the job's state size.
 */
final class CheckpointWatcher implements AutoCloseable {
    private final Path directory;
    private final Map<Integer, Long> sizes = new TreeMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    CheckpointWatcher(Path directory) {
        this.directory = directory;
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
                            int id = Integer.parseInt(name.substring(4));
                            synchronized (sizes) {
                                if (!sizes.containsKey(id)) {
                                    sizes.put(id, sizeOf(chk));
                                }
                            }
                        }
                    }
                }
            }
        } catch (IOException | UncheckedIOException | NumberFormatException e) {
            // A checkpoint deleted while being listed; the next scan sees the current ones.
        }
    }

    static long sizeOf(Path dir) throws IOException {
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

    int completed() {
        synchronized (sizes) {
            return sizes.size();
        }
    }

    /** Size of the largest completed checkpoint, in bytes (0 if none). */
    long largestBytes() {
        synchronized (sizes) {
            return sizes.values().stream().mapToLong(Long::longValue).max().orElse(0);
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
