package io.warroom.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import io.warroom.config.CampaignCatalog;
import io.warroom.config.CampaignTimeline;
import io.warroom.config.MonitorSettings;
import io.warroom.io.FileInputs;
import io.warroom.io.ReplaySinks;
import io.warroom.model.AlertType;
import io.warroom.pipeline.MonitorPipeline;
import io.warroom.serde.Json;
import io.warroom.testkit.ReferenceMonitor.Alert;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

/**
 * Runs the replay pipeline the way {@code warroom replay} does, on the MiniCluster of the calling test class, and
 * reads the report back in the reference's terms.
 */
public final class ReplayHarness {
    private ReplayHarness() {}

    /** One task manager with two slots: enough for parallelism 2, so keyed state really is split. */
    public static MiniClusterExtension miniCluster() {
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(2)
                .build());
    }

    /** Replays the stream files in {@code input}; writes {@code name.json} and {@code name.rejected.jsonl}. */
    public static Path replay(CampaignCatalog campaigns, Path input, Path outputDir, String name, int parallelism)
            throws Exception {
        return replay(CampaignTimeline.of(campaigns), input, outputDir, name, parallelism);
    }

    /** The same over campaign files plus updates, as {@code replay --campaign-update} runs it. */
    public static Path replay(CampaignTimeline campaigns, Path input, Path outputDir, String name, int parallelism)
            throws Exception {
        return replay(campaigns, MonitorSettings.defaults(), input, outputDir, name, parallelism);
    }

    /** The same with the given settings (another state backend, say). */
    public static Path replay(CampaignTimeline campaigns, MonitorSettings settings, Path input, Path outputDir,
            String name, int parallelism) throws Exception {
        Path report = outputDir.resolve(name + ".json");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        new MonitorPipeline(campaigns, settings)
                .assemble(env, FileInputs.inFolder(input),
                        new ReplaySinks(report, outputDir.resolve(name + ".rejected.jsonl")));
        env.execute("replay-" + name);
        return report;
    }

    /** Writes the sale's stream files into {@code dir/name-input}, replays them and returns the parsed report. */
    public static JsonNode replay(SaleScenario sale, CampaignCatalog campaigns, Path dir, String name)
            throws Exception {
        Path input = dir.resolve(name + "-input");
        sale.writeTo(input, false);
        return read(replay(campaigns, input, dir, name, 2));
    }

    public static JsonNode read(Path report) throws IOException {
        return Json.readTree(Files.readAllBytes(report));
    }

    /** The report's campaign of this id; fails the test if there is none. */
    public static JsonNode campaign(JsonNode report, String campaignId) {
        for (JsonNode campaign : report.get("campaigns")) {
            if (campaign.get("campaign_id").asText().equals(campaignId)) {
                return campaign;
            }
        }
        throw new AssertionError("no campaign " + campaignId + " in the report");
    }

    /** The report's alert list as the reference lists alerts; {@code channel} is absent unless an alert has one. */
    public static List<Alert> alerts(JsonNode report) {
        List<Alert> alerts = new ArrayList<>();
        for (JsonNode a : report.get("alerts")) {
            alerts.add(new Alert(AlertType.valueOf(a.get("type").asText()),
                    a.get("campaign_id").asText(),
                    a.get("item_id").isNull() ? null : a.get("item_id").asText(),
                    a.hasNonNull("channel") ? a.get("channel").asText() : null,
                    a.get("fired_at").asLong(),
                    a.get("resolved_at").isNull() ? null : a.get("resolved_at").asLong()));
        }
        return alerts;
    }
}
