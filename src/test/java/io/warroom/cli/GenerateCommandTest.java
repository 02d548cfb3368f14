package io.warroom.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.warroom.config.CampaignDefinition;
import io.warroom.config.CampaignLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code warroom generate} as a user types it: folder output with its campaign file, and refused options. */
class GenerateCommandTest {
    @TempDir
    Path dir;

    private final Cli cli = new Cli();

    @Test
    void writesTheStreamsAndTheCampaignFile() throws Exception {
        Path folder = dir.resolve("sale");
        Path campaign = dir.resolve("jobs/sale.yaml");

        int exit = cli.run("generate", "--out", folder.toString(), "--gzip", "--campaign-out", campaign.toString(),
                "--campaign-id", "cli-sale", "--duration", "2min", "--peak-rate", "200", "--items", "300",
                "--users", "2000", "--start", "2026-06-18T00:00:00+08:00");

        assertThat(exit).as(cli.err.toString()).isZero();
        for (String file : new String[] {"clicks", "carts", "orders", "inventory"}) {
            assertThat(folder.resolve(file + ".jsonl.gz")).isNotEmptyFile();
        }
        assertThat(cli.out.toString()).contains("Campaign file: " + campaign)
                .contains("paid gmv of the campaign window: ")
                .containsPattern("clicks +[\\d,]+ records");
        CampaignDefinition parsed = CampaignLoader.parse(campaign.toString(), Files.readAllBytes(campaign));
        assertThat(parsed.campaignId()).isEqualTo("cli-sale");
        assertThat(parsed.end() - parsed.start()).isEqualTo(120_000);
    }

    @Test
    void theSameSeedFromTheCommandLineGivesTheSameFiles() throws Exception {
        String[] options = {"--duration", "1min", "--peak-rate", "100", "--items", "100", "--users", "500",
            "--seed", "9"};
        assertThat(cli.run(concat(new String[] {"generate", "--out", dir.resolve("a").toString()}, options))).isZero();
        assertThat(cli.run(concat(new String[] {"generate", "--out", dir.resolve("b").toString()}, options))).isZero();

        for (String file : new String[] {"clicks", "carts", "orders", "inventory"}) {
            // Bytes, not text: some malformed records are deliberately not UTF-8.
            assertThat(Files.readAllBytes(dir.resolve("b/" + file + ".jsonl")))
                    .isEqualTo(Files.readAllBytes(dir.resolve("a/" + file + ".jsonl")));
        }
    }

    @Test
    void refusesConflictingOrMissingOptions() {
        assertThat(cli.run("generate", "--duration", "1min")).isEqualTo(2);
        assertThat(cli.err.toString()).contains("--out").contains("--bootstrap-servers");

        assertThat(cli.run("generate", "--out", dir.toString(), "--rate", "10", "--speed", "2")).isEqualTo(2);
        assertThat(cli.err.toString()).contains("mutually exclusive");

        assertThat(cli.run("generate", "--out", dir.toString(), "--start", "2026-11-11T00:00:00")).isEqualTo(2);
        assertThat(cli.err.toString()).contains("--start");

        assertThat(cli.run("generate", "--out", dir.toString(), "--hit-share", "1.5")).isEqualTo(2);
        assertThat(cli.err.toString()).contains("hit share");

        assertThat(cli.run("generate", "--out", dir.toString(), "--duplicates", "2")).isEqualTo(2);
        assertThat(cli.err.toString()).contains("duplicates");

        assertThat(cli.run("generate", "--out", dir.toString(), "--rate", "-5")).isEqualTo(2);
        assertThat(cli.err.toString()).contains("rate must be");

        assertThat(cli.run("generate", "--out", dir.toString(), "--campaign-id", "no spaces please")).isEqualTo(2);
        assertThat(cli.err.toString()).contains("campaign_id");

        assertThat(cli.run("generate", "--bootstrap-servers", "localhost:1", "--gzip")).isEqualTo(2);
        assertThat(cli.err.toString()).contains("--gzip");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
