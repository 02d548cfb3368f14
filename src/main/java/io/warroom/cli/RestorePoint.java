package io.warroom.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * What {@code warroom run} starts from: a retained checkpoint or savepoint, or nothing.
 *
 * <p>Contract:
 * <ul>
 *   <li>{@link #of} with no {@code --restore} is a fresh start; with {@code latest} it is the newest complete
 *       checkpoint retained under the checkpoint folder (see {@link #latest}); otherwise it is the given path, a
 *       checkpoint or savepoint folder or its {@code _metadata} file, which Flink itself checks when the job
 *       starts.</li>
 *   <li>The checkpoint id is known from a {@code chk-N} folder name, the job id from a parent folder named as Flink
 *       names job folders (32 hex digits); a savepoint has neither in its name.</li>
 *   <li>{@link #describe()} is the one line a start logs about it.</li>
 * </ul>
 *
 * @param path what Flink restores from; empty for a fresh start
 */
record RestorePoint(Optional<Path> path, OptionalLong checkpointId, Optional<String> jobId) {
    /** The {@code --restore} value that picks the newest retained checkpoint. */
    static final String LATEST = "latest";

    /** The file whose presence makes a checkpoint folder complete (Flink writes it last). */
    private static final String METADATA = "_metadata";
    private static final Pattern CHECKPOINT_FOLDER = Pattern.compile("chk-(\\d+)");
    private static final Pattern JOB_FOLDER = Pattern.compile("[0-9a-f]{32}");

    static RestorePoint fresh() {
        return new RestorePoint(Optional.empty(), OptionalLong.empty(), Optional.empty());
    }

    /**
     * @param restore the {@code --restore} value, or null
     * @param checkpointDir the {@code --checkpoint-dir} URI, where {@code latest} looks
     * @throws IllegalArgumentException for {@code latest} when no complete checkpoint is retained there
     */
    static RestorePoint of(String restore, String checkpointDir) {
        if (restore == null) {
            return fresh();
        }
        if (restore.equals(LATEST)) {
            return latest(new Path(checkpointDir)).orElseThrow(() -> new IllegalArgumentException(
                    "--restore latest: no complete checkpoint (a chk-N folder with a " + METADATA
                            + " file) under " + checkpointDir));
        }
        Path path = new Path(restore);
        return at(path.getName().equals(METADATA) ? path.getParent() : path);
    }

    /**
     * The newest complete checkpoint under {@code checkpointDir}: among the {@code chk-N} folders with a
     * {@code _metadata} file in its job folders, the one whose {@code _metadata} was written last, and of those the
     * highest N. A restored job numbers its checkpoints on from the restored one but gets a new job folder, so only
     * the time tells the newest job apart.
     */
    static Optional<RestorePoint> latest(Path checkpointDir) {
        record Candidate(Path folder, long checkpointId, long writtenAt) {}
        try {
            FileSystem fs = checkpointDir.getFileSystem();
            List<Candidate> candidates = new ArrayList<>();
            for (FileStatus job : list(fs, checkpointDir)) {
                if (!job.isDir()) {
                    continue;
                }
                for (FileStatus checkpoint : list(fs, job.getPath())) {
                    Matcher name = CHECKPOINT_FOLDER.matcher(checkpoint.getPath().getName());
                    Path metadata = new Path(checkpoint.getPath(), METADATA);
                    if (checkpoint.isDir() && name.matches() && fs.exists(metadata)) {
                        candidates.add(new Candidate(checkpoint.getPath(), Long.parseLong(name.group(1)),
                                fs.getFileStatus(metadata).getModificationTime()));
                    }
                }
            }
            return candidates.stream()
                    .max(Comparator.comparingLong(Candidate::writtenAt).thenComparingLong(Candidate::checkpointId))
                    .map(c -> at(c.folder()));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot look for checkpoints under " + checkpointDir, e);
        }
    }

    private static List<FileStatus> list(FileSystem fs, Path folder) throws IOException {
        // A folder Flink removes while we look (a subsumed checkpoint) is simply not a candidate.
        if (!fs.exists(folder)) {
            return List.of();
        }
        FileStatus[] entries = fs.listStatus(folder);
        return entries == null ? List.of() : List.of(entries);
    }

    private static RestorePoint at(Path folder) {
        Matcher checkpoint = CHECKPOINT_FOLDER.matcher(folder.getName());
        OptionalLong checkpointId = checkpoint.matches()
                ? OptionalLong.of(Long.parseLong(checkpoint.group(1)))
                : OptionalLong.empty();
        Path parent = folder.getParent();
        Optional<String> jobId = parent != null && JOB_FOLDER.matcher(parent.getName()).matches()
                ? Optional.of(parent.getName())
                : Optional.empty();
        return new RestorePoint(Optional.of(folder), checkpointId, jobId);
    }

    /**
     * {@code Restoring from checkpoint 42 at file:/.../chk-42 (job 3f...)},
     * {@code Restoring from file:/.../savepoint-...} or {@code Starting fresh: no checkpoint to restore}.
     */
    String describe() {
        if (path.isEmpty()) {
            return "Starting fresh: no checkpoint to restore";
        }
        StringBuilder line = new StringBuilder("Restoring from ");
        checkpointId.ifPresent(id -> line.append("checkpoint ").append(id).append(" at "));
        line.append(path.get());
        jobId.ifPresent(id -> line.append(" (job ").append(id).append(')'));
        return line.toString();
    }
}
