package io.warroom.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.warroom.testkit.WarroomProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code warroom replay} started as ops start it hands the replay to a child JVM, whose result and exit it passes
 * on.
 */
class ThroughputJvmIT {
    @TempDir
    Path dir;

    @Test
    void theReplayOfTheChildIsTheReplayOfTheCommand() throws Exception {
        Path in = dir.resolve("in");
        assertThat(new CommandLine(new WarroomCli()).execute("generate", "--out", in.toString(), "--duration", "2min",
                "--peak-rate", "40", "--items", "50", "--users", "500", "--campaign-out",
                in.resolve("campaign.yaml").toString())).isZero();
        Path inProcess = dir.resolve("in-process.json");
        assertThat(new CommandLine(new WarroomCli()).execute("replay", "--campaign", in.resolve("campaign.yaml")
                .toString(), "--input", in.toString(), "--report", inProcess.toString())).isZero();

        Path forked = dir.resolve("forked.json");
        WarroomProcess replay = WarroomProcess.start(List.of("replay", "--campaign",
                in.resolve("campaign.yaml").toString(), "--input", in.toString(), "--report", forked.toString()),
                "512m", dir.resolve("replay.log"), "replay");
        assertThat(exitOf(replay)).as(replay.logText()).isZero();
        assertThat(Files.readString(forked)).isEqualTo(Files.readString(inProcess));

        WarroomProcess refused = WarroomProcess.start(List.of("replay", "--campaign", dir.resolve("none.yaml")
                .toString(), "--input", in.toString(), "--report", dir.resolve("r.json").toString()), "512m",
                dir.resolve("refused.log"), "refused replay");
        assertThat(exitOf(refused)).isEqualTo(2);
        assertThat(refused.logText()).contains("none.yaml: cannot read file");
    }

    private static int exitOf(WarroomProcess process) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (process.alive() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(process.alive()).as("the replay ended").isFalse();
        return process.exitCode();
    }
}
