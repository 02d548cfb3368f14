package io.warroom.pipeline;

import static io.warroom.model.AlertType.STOCK_LOW;
import static io.warroom.model.AlertType.TARGET_SHORTFALL;
import static io.warroom.testkit.SaleScenario.MINUTE;
import static io.warroom.testkit.SaleScenario.START;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.warroom.config.CampaignLoader;
import io.warroom.config.CampaignTimeline;
import io.warroom.model.OrderLine;
import io.warroom.testkit.ReferenceMonitor.Alert;
import io.warroom.testkit.ReplayHarness;
import io.warroom.testkit.SaleScenario;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Campaign updates through the whole replay pipeline (MiniCluster, parallelism 2), as {@code replay
 * --campaign-update} runs them: each applies from its {@code effective_from}. One order of 25.00 is paid every
 * minute, so campaign "paced" (target 1000.00, checkpoints every 10 minutes at 25% steps, no tolerance) is exactly
 * on plan at every checkpoint until its target changes.
 */
class CampaignUpdatesReplayIT {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = ReplayHarness.miniCluster();

    private static final String PACED = """
            campaign_id: paced
            start: "2026-11-11T00:00:00+08:00"
            end: "2026-11-11T00:40:00+08:00"
            gmv_target: "1000.00"
            pacing:
              - { at: "2026-11-11T00:10:00+08:00", share: 0.25 }
              - { at: "2026-11-11T00:20:00+08:00", share: 0.5 }
              - { at: "2026-11-11T00:30:00+08:00", share: 0.75 }
              - { at: "2026-11-11T00:40:00+08:00", share: 1.0 }
            """;

    @TempDir
    Path dir;

    /**
     * From 00:15 the target is 2000.00: the 00:10 checkpoint stays judged against 1000.00 (250.00 on a plan of
     * 250.00), the 00:20 one is the first behind (500.00 against 1000.00). The same update lists sku-new with 5
     * units against a safety stock of 10: it opens at 00:15 with STOCK_LOW. Campaign "late" is pushed with effective
     * time 00:25 but a window from 00:00: it counts the 15 orders from 00:25 on, and is on plan at 00:30 (125.00
     * against 50.00).
     */
    @Test
    void updatesApplyFromTheirEffectiveTimeAndNotBefore() throws Exception {
        Path input = dir.resolve("input");
        sale().writeTo(input, false);
        Path campaignFile = write("paced.yaml", PACED);
        Path raised = write("paced-raised.yaml", PACED.replace("gmv_target: \"1000.00\"", "gmv_target: \"2000.00\"")
                + "items: [{ item_id: sku-new, stock: 5, safety_stock: 10 }]\n"
                + "effective_from: \"2026-11-11T00:15:00+08:00\"\n");
        Path late = write("late.yaml", """
                campaign_id: late
                start: "2026-11-11T00:00:00+08:00"
                end: "2026-11-11T00:40:00+08:00"
                gmv_target: "100.00"
                pacing:
                  - { at: "2026-11-11T00:30:00+08:00", share: 0.5 }
                effective_from: "2026-11-11T00:25:00+08:00"
                """);

        JsonNode unchanged = replay(CampaignLoader.loadTimeline(List.of(campaignFile), List.of()), input, "before");
        JsonNode updated = replay(CampaignLoader.loadTimeline(List.of(campaignFile), List.of(raised, late)), input,
                "after");

        assertThat(ReplayHarness.alerts(unchanged)).isEmpty();
        assertThat(ReplayHarness.campaign(unchanged, "paced").get("gmv").asText()).isEqualTo("1000.00");
        assertThat(ReplayHarness.alerts(updated)).containsExactlyInAnyOrder(
                new Alert(TARGET_SHORTFALL, "paced", null, null, at(20), null),
                new Alert(STOCK_LOW, "paced", "sku-new", null, at(15), null));
        JsonNode paced = ReplayHarness.campaign(updated, "paced");
        assertThat(paced.get("gmv").asText()).isEqualTo("1000.00");
        assertThat(paced.get("gmv_target").asText()).isEqualTo("2000.00");
        // Past the last checkpoint (share 1.0) the plan is the whole target.
        assertThat(paced.get("gmv_planned").asText()).isEqualTo("2000.00");
        assertThat(pacing(paced)).containsExactly(
                "250.00 of 250.00 on track", "500.00 of 1000.00 behind", "750.00 of 1500.00 behind",
                "1000.00 of 2000.00 behind");
        JsonNode lateCampaign = ReplayHarness.campaign(updated, "late");
        assertThat(lateCampaign.get("gmv").asText()).isEqualTo("375.00");
        assertThat(lateCampaign.get("orders").asLong()).isEqualTo(15);
        assertThat(pacing(lateCampaign)).containsExactly("125.00 of 50.00 on track");
    }

    /** One order of 25.00 paid at second 30 of every minute of the 40, with a click before it. */
    private static SaleScenario sale() {
        SaleScenario sale = SaleScenario.constructed(5L);
        for (int m = 0; m < 40; m++) {
            long ts = at(m) + 30_000;
            sale.click("c-" + m, ts - 10_000, "u-" + m, "sku-1", "app");
            sale.paidOrder("o-" + m, ts - 5_000, ts, "u-" + m, new OrderLine("sku-1", 1, 2_500));
        }
        return sale;
    }

    private JsonNode replay(CampaignTimeline campaigns, Path input, String name) throws Exception {
        return ReplayHarness.read(ReplayHarness.replay(campaigns, input, dir, name, 2));
    }

    private Path write(String name, String yaml) throws Exception {
        return Files.writeString(dir.resolve(name), yaml);
    }

    private static List<String> pacing(JsonNode campaign) {
        List<String> lines = new ArrayList<>();
        for (JsonNode p : campaign.get("pacing")) {
            assertThat(p.get("evaluated").asBoolean()).isTrue();
            lines.add(p.get("gmv_before").asText() + " of " + p.get("planned_gmv").asText()
                    + (p.get("behind").asBoolean() ? " behind" : " on track"));
        }
        return lines;
    }

    private static long at(int minute) {
        return START + minute * MINUTE;
    }
}
