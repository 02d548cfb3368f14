package io.warroom.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code run} restores from, and the line it logs about it, over checkpoint folders as Flink leaves them. */
class RestorePointTest {
    private static final String OLD_JOB = "0123456789abcdef0123456789abcdef";
    private static final String NEW_JOB = "fedcba9876543210fedcba9876543210";
    private static final Instant T0 = Instant.parse("2026-11-11T00:00:00Z");

    @TempDir
    Path checkpoints;

    @Test
    void withoutRestoreItStartsFresh() {
        RestorePoint fresh = RestorePoint.of(null, checkpoints.toUri().toString());

        assertThat(fresh.path()).isEmpty();
        assertThat(fresh.describe()).isEqualTo("Starting fresh: no checkpoint to restore");
    }

    @Test
    void aGivenCheckpointIsNamedByIdPathAndJob() throws IOException {
        Path chk = checkpoint(OLD_JOB, 42, T0);

        RestorePoint point = RestorePoint.of(chk.toUri().toString(), "file:///elsewhere");

        assertThat(point.describe())
                .isEqualTo("Restoring from checkpoint 42 at file:" + chk + " (job " + OLD_JOB + ")");
        assertThat(RestorePoint.of(chk.resolve("_metadata").toString(), "file:///elsewhere").describe())
                .as("given by its _metadata file")
                .isEqualTo("Restoring from checkpoint 42 at " + chk + " (job " + OLD_JOB + ")");
    }

    @Test
    void aSavepointHasNoIdOrJobInItsName() throws IOException {
        Path savepoint = Files.createDirectories(checkpoints.resolve("savepoint-012345-6789abcdef01"));

        assertThat(RestorePoint.of(savepoint.toString(), "file:///elsewhere").describe())
                .isEqualTo("Restoring from " + savepoint);
    }

    @Test
    void latestIsTheNewestCompleteCheckpointAcrossJobFolders() throws IOException {
        checkpoint(OLD_JOB, 90, T0);
        // Restored from 17 after a fresh start: lower ids, but newer.
        Path newest = checkpoint(NEW_JOB, 18, T0.plusSeconds(60));
        checkpoint(NEW_JOB, 17, T0.plusSeconds(50));
        // In progress when the job died: no _metadata yet.
        Files.createDirectories(checkpoints.resolve(NEW_JOB).resolve("chk-19"));
        Files.createDirectories(checkpoints.resolve(NEW_JOB).resolve("shared"));

        RestorePoint latest = RestorePoint.of("latest", checkpoints.toUri().toString());

        assertThat(latest.describe())
                .isEqualTo("Restoring from checkpoint 18 at file:" + newest + " (job " + NEW_JOB + ")");
    }

    @Test
    void latestPrefersTheHigherIdWhenTheyWereWrittenInTheSameInstant() throws IOException {
        checkpoint(NEW_JOB, 5, T0);
        checkpoint(NEW_JOB, 6, T0);

        assertThat(RestorePoint.of("latest", checkpoints.toUri().toString()).checkpointId()).hasValue(6);
    }

    @Test
    void latestWithoutACompleteCheckpointIsRefusedInOneLine() throws IOException {
        Files.createDirectories(checkpoints.resolve(NEW_JOB).resolve("chk-1"));
        String dir = checkpoints.toUri().toString();

        assertThatThrownBy(() -> RestorePoint.of("latest", dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--restore latest: no complete checkpoint (a chk-N folder with a _metadata file) under "
                        + dir);
        assertThatThrownBy(() -> RestorePoint.of("latest", checkpoints.resolve("missing").toUri().toString()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private Path checkpoint(String job, long id, Instant written) throws IOException {
        Path folder = Files.createDirectories(checkpoints.resolve(job).resolve("chk-" + id));
        Path metadata = Files.write(folder.resolve("_metadata"), new byte[] {1});
        Files.setLastModifiedTime(metadata, FileTime.from(written));
        return folder;
    }
}
