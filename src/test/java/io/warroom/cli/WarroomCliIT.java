package io.warroom.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.warroom.serde.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands as a user types them: the README's replay of the shipped sample, refusals, and help. */
class WarroomCliIT {
    @TempDir
    Path dir;

    private final Cli cli = new Cli();

    @Test
    void replaysTheShippedSampleIntoAReport() throws Exception {
        Path report = dir.resolve("out/report.json");

        int exit = cli.run("replay", "--campaign", "jobs/double11-2026.yaml", "--input", "samples/double11-mini",
                "--report", report.toString());

        assertThat(exit).as(cli.err.toString()).isZero();
        assertThat(cli.out.toString()).contains("Report: " + report);
        JsonNode json = Json.readTree(Files.readAllBytes(report));
        JsonNode campaign = json.at("/campaigns/0");
        assertThat(campaign.get("campaign_id").asText()).isEqualTo("double11-2026");
        assertThat(campaign.get("gmv").asText()).matches("\\d+\\.\\d{2}");
        assertThat(campaign.get("orders").asLong()).isPositive();
        assertThat(campaign.get("items")).isNotEmpty();
        assertThat(json.at("/rejected/total").asLong()).isEqualTo(100);
        assertThat(Files.readAllLines(dir.resolve("out/report.rejected.jsonl"))).hasSize(100);
    }

    @Test
    void aCampaignWithoutItemSettingsStillCountsEveryItem() throws Exception {
        Path campaign = Files.writeString(dir.resolve("plain.yaml"), """
                campaign_id: plain
                start: "2026-11-11T00:00:00+08:00"
                end: "2026-11-12T00:00:00+08:00"
                gmv_target: "100.00"
                """);
        Path report = dir.resolve("plain.json");

        int exit = cli.run("replay", "--campaign", campaign.toString(), "--input", "samples/double11-mini", "--report",
                report.toString());

        assertThat(exit).as(cli.err.toString()).isZero();
        JsonNode json = Json.readTree(Files.readAllBytes(report));
        assertThat(json.at("/campaigns/0/items")).hasSizeGreaterThan(10);
        // Only inventory snapshots tell stock here: sku-0 to sku-19 have them, the rest stay unknown.
        for (JsonNode item : json.at("/campaigns/0/items")) {
            int number = Integer.parseInt(item.get("item_id").asText().substring("sku-".length()));
            assertThat(item.get("stock_remaining").isNull()).as(item.toString()).isEqualTo(number >= 20);
        }
    }

    @Test
    void aBadCampaignFileIsRefusedNamingFileFieldAndProblem() throws Exception {
        Path campaign = Files.writeString(dir.resolve("bad.yaml"), """
                campaign_id: bad
                start: "2026-11-11T00:00:00+08:00"
                end: "2026-11-12T00:00:00+08:00"
                gmv_target: "1.005"
                """);

        int exit = cli.run("replay", "--campaign", campaign.toString(), "--input", "samples/double11-mini", "--report",
                dir.resolve("r.json").toString());

        assertThat(exit).isEqualTo(2);
        assertThat(cli.err.toString()).contains(campaign + ": gmv_target: must have at most 2 fraction digits");
        assertThat(dir.resolve("r.json")).doesNotExist();
    }

    @Test
    void aFolderWithoutStreamFilesIsRefused() {
        int exit = cli.run("replay", "--campaign", "jobs", "--input", dir.toString(), "--report",
                dir.resolve("r.json").toString());

        assertThat(exit).isEqualTo(2);
        assertThat(cli.err.toString()).contains("holds none of clicks.jsonl");
    }

    @Test
    void everyCommandExplainsItself() {
        assertThat(cli.run("--help")).isZero();
        assertThat(cli.out.toString()).contains("replay", "run");
        assertThat(cli.run("replay", "--help")).isZero();
        assertThat(cli.out.toString()).contains("--input", "--report", "--out-of-orderness");
        assertThat(cli.run("run", "--help")).isZero();
        assertThat(cli.out.toString()).contains("--bootstrap-servers", "--checkpoint-interval", "wall-clock-watermark");
    }

    @Test
    void runRestoringTheLatestCheckpointWhereThereIsNoneIsRefusedInOneLine() {
        String checkpoints = dir.resolve("checkpoints").toUri().toString();

        assertThat(cli.run("run", "--campaign", "jobs", "--bootstrap-servers", "127.0.0.1:1",
                "--checkpoint-dir", checkpoints, "--restore", "latest", "--metrics-port", "0")).isEqualTo(2);
        assertThat(cli.err.toString()).isEqualTo("--restore latest: no complete checkpoint (a chk-N folder with a "
                + "_metadata file) under " + checkpoints + System.lineSeparator());
    }

    @Test
    void runWithoutBrokersIsAUsageError() {
        assertThat(cli.run("run", "--campaign", "jobs")).isEqualTo(2);
        assertThat(cli.err.toString()).contains("--bootstrap-servers");
    }
}
