package io.warroom.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.warroom.config.CampaignCatalog;
import io.warroom.config.CampaignLoader;
import io.warroom.config.CampaignTimeline;
import io.warroom.config.MonitorOptions;
import io.warroom.config.StateBackendChoice;
import io.warroom.model.AlertType;
import io.warroom.serde.Json;
import io.warroom.serde.Money;
import io.warroom.testkit.ReferenceMonitor.Alert;
import io.warroom.testkit.ReferenceMonitor.CampaignResult;
import io.warroom.testkit.ReferenceMonitor.Totals;
import io.warroom.testkit.ReferenceMonitor;
import io.warroom.testkit.ReplayHarness;
import io.warroom.testkit.SaleScenario;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Replays a generated sale (duplicates, disorder within the bound, cancellations, refunds, restocks, malformed
 * records) through the whole pipeline on a MiniCluster at parallelism 2 and checks every number of the report
 * against {@link ReferenceMonitor}: money and counts exactly, uv and buyers within the documented bound.
 */
class ReplayPipelineIT {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = ReplayHarness.miniCluster();

    static final String MAIN = """
            campaign_id: main
            name: Main venue
            start: "2026-11-11T00:00:00+08:00"
            end: "2026-11-12T00:00:00+08:00"
            gmv_target: "2000000.00"
            shortfall_tolerance: 0.10
            pacing:
              - { at: "2026-11-11T00:10:00+08:00", share: 0.2 }
              - { at: "2026-11-11T00:40:00+08:00", share: 0.2 }
              - { at: "2026-11-11T01:00:00+08:00", share: 0.25 }
              - { at: "2026-11-12T00:00:00+08:00", share: 1.0 }
            safety_stock: 15
            items:
              - { item_id: sku-0, stock: 60, safety_stock: 20, gmv_target: "30000.00" }
              - { item_id: sku-1, stock: 25 }
              - { item_id: sku-150, gmv_target: "500.00" }
              - { item_id: sku-never-sold, stock: 7 }
            """;

    static final String FLASH = """
            campaign_id: flash
            start: "2026-11-11T00:30:00+08:00"
            end: "2026-11-11T01:30:00+08:00"
            gmv_target: "100000.00"
            pacing:
              - { at: "2026-11-11T01:00:00+08:00", share: 0.5 }
            items:
              - { item_id: sku-0, stock: 40, safety_stock: 5 }
            """;

    static SaleScenario sale;
    static CampaignCatalog campaigns;

    @TempDir
    static Path dir;

    @BeforeAll
    static void generateSale() throws Exception {
        sale = SaleScenario.generate(20261111L, 1500);
        sale.writeTo(dir.resolve("input"), true);
        campaigns = new CampaignCatalog(List.of(
                CampaignLoader.parse("main.yaml", MAIN.getBytes(StandardCharsets.UTF_8)),
                CampaignLoader.parse("flash.yaml", FLASH.getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void replayReportMatchesTheMetricDefinitions() throws Exception {
        JsonNode report = Json.readTree(Files.readAllBytes(replay(2, "p2")));
        ReferenceMonitor.Expected expected = ReferenceMonitor.compute(sale, campaigns);
        assertScenarioIsNotTrivial(expected);

        assertThat(report.get("campaigns")).hasSize(2);
        for (JsonNode campaign : report.get("campaigns")) {
            CampaignResult want = expected.campaigns().get(campaign.get("campaign_id").asText());
            assertTotals(campaign, want.totals, 0.02);
            assertPerMinute(campaign, want);
            assertPacing(campaign, want);
            assertChannels(campaign, want);
            assertItems(campaign, want);
        }
        // every alert of every type, with item, channel, fire and resolve times, exactly
        assertThat(ReplayHarness.alerts(report)).containsExactlyInAnyOrderElementsOf(expected.alerts());
        assertThat(report.at("/rejected/total").asLong()).isEqualTo(sale.rejectedTotal());
        Map<String, Long> byReason = new TreeMap<>();
        report.at("/rejected/by_reason").fields().forEachRemaining(e -> byReason.put(e.getKey(), e.getValue().asLong()));
        assertThat(byReason).isEqualTo(sale.rejectedByReason);
        assertThat(Files.readAllLines(dir.resolve("p2.rejected.jsonl"))).hasSize((int) sale.rejectedTotal());
    }

    /** RocksDB serializes every state access where the heap hands out objects: a change never written back shows. */
    @ParameterizedTest
    @EnumSource(value = StateBackendChoice.class, names = {"ROCKSDB", "FORST"})
    void aBackendOnDiskGivesTheSameReportAsTheHeap(StateBackendChoice backend) throws Exception {
        Configuration onDisk = new Configuration();
        onDisk.set(MonitorOptions.STATE_BACKEND, backend);
        byte[] heap = Files.readAllBytes(replay(2, "heap-beside-" + backend.flinkName()));
        byte[] onDiskReport = Files.readAllBytes(ReplayHarness.replay(CampaignTimeline.of(campaigns),
                MonitorOptions.settings(onDisk), dir.resolve("input"), dir, backend.flinkName(), 2));

        assertThat(new String(onDiskReport, StandardCharsets.UTF_8))
                .isEqualTo(new String(heap, StandardCharsets.UTF_8));
    }

    /** A replay serving no metrics emits item stats only at the close: its report holds the same closing stats. */
    @Test
    void itemStatsOnlyAtTheCloseGiveTheSameReport() throws Exception {
        Configuration atClose = new Configuration();
        atClose.set(MonitorOptions.ITEM_STATS_WHILE_RUNNING, false);
        byte[] whileRunning = Files.readAllBytes(replay(2, "items-while-running"));
        byte[] closingOnly = Files.readAllBytes(ReplayHarness.replay(CampaignTimeline.of(campaigns),
                MonitorOptions.settings(atClose), dir.resolve("input"), dir, "items-at-close", 2));

        assertThat(new String(closingOnly, StandardCharsets.UTF_8))
                .isEqualTo(new String(whileRunning, StandardCharsets.UTF_8));
    }

    @Test
    void parallelismDoesNotChangeTheReport() throws Exception {
        byte[] atOne = Files.readAllBytes(replay(1, "p1"));
        byte[] atTwo = Files.readAllBytes(replay(2, "p2-again"));
        assertThat(new String(atOne, StandardCharsets.UTF_8)).isEqualTo(new String(atTwo, StandardCharsets.UTF_8));
    }

    /**
     * Guards the comparison itself: a scenario without refunds, stock-outs or resolved alerts would prove little. The
     * early-warning types (STOCK_ETA, CONVERSION_DROP, TRAFFIC_DROP) are compared exactly whenever they occur, but
     * not required here: whether random traffic trips them is chance; EarlyWarningAlertsIT constructs them.
     */
    private static void assertScenarioIsNotTrivial(ReferenceMonitor.Expected expected) {
        assertThat(expected.alerts()).extracting(Alert::type).contains(AlertType.STOCK_LOW, AlertType.STOCK_OUT,
                AlertType.OVERSOLD, AlertType.TARGET_SHORTFALL, AlertType.ITEM_TARGET_SHORTFALL);
        assertThat(expected.alerts()).anyMatch(a -> a.resolvedAt() != null && a.type() == AlertType.STOCK_LOW);
        assertThat(expected.alerts()).anyMatch(a -> a.resolvedAt() != null && a.type() == AlertType.TARGET_SHORTFALL);
        assertThat(expected.campaigns().get("main").totals.refundedCents).isPositive();
        assertThat(expected.campaigns().get("flash").totals.orders).isPositive();
        assertThat(sale.rejectedByReason).hasSizeGreaterThanOrEqualTo(5);
    }

    private static Path replay(int parallelism, String name) throws Exception {
        return ReplayHarness.replay(campaigns, dir.resolve("input"), dir, name, parallelism);
    }

    private static void assertTotals(JsonNode actual, Totals want, double distinctTolerance) {
        String what = actual.has("item_id") ? "item " + actual.get("item_id").asText() : "campaign";
        assertThat(actual.get("gmv").asText()).as(what + " gmv").isEqualTo(Money.format(want.gmvCents));
        assertThat(actual.get("refunded").asText()).as(what + " refunded").isEqualTo(Money.format(want.refundedCents));
        assertThat(actual.get("orders").asLong()).as(what + " orders").isEqualTo(want.orders);
        assertThat(actual.get("units").asLong()).as(what + " units").isEqualTo(want.units);
        assertThat(actual.get("pv").asLong()).as(what + " pv").isEqualTo(want.pv);
        assertThat(actual.get("carts").asLong()).as(what + " carts").isEqualTo(want.carts);
        if (!actual.has("item_id")) {
            assertThat(actual.get("late_dropped").asLong()).as("late_dropped").isEqualTo(want.lateDropped);
        }
        assertWithin(actual.get("uv").asLong(), want.users.size(), distinctTolerance, what + " uv");
        assertWithin(actual.get("buyers").asLong(), want.buyers.size(), distinctTolerance, what + " buyers");
    }

    private static void assertPerMinute(JsonNode campaign, CampaignResult want) {
        Map<Long, ReferenceMonitor.Minute> actual = new TreeMap<>();
        for (JsonNode m : campaign.get("per_minute")) {
            actual.put(m.get("minute").asLong(), new ReferenceMonitor.Minute(
                    Money.parseCents(m.get("gmv").asText()), m.get("orders").asLong(), m.get("pv").asLong()));
        }
        assertThat(actual).isEqualTo(want.minutes);
    }

    /** Every checkpoint is evaluated by the end of a replay, with the complete gmv before it. */
    private static void assertPacing(JsonNode campaign, CampaignResult want) {
        List<ReferenceMonitor.Checkpoint> actual = new ArrayList<>();
        for (JsonNode p : campaign.get("pacing")) {
            assertThat(p.get("evaluated").asBoolean()).isTrue();
            actual.add(new ReferenceMonitor.Checkpoint(p.get("at").asLong(),
                    Money.parseCents(p.get("planned_gmv").asText()), Money.parseCents(p.get("gmv_before").asText()),
                    p.get("behind").asBoolean()));
        }
        assertThat(actual).isEqualTo(want.pacing);
    }

    private static void assertChannels(JsonNode campaign, CampaignResult want) {
        Map<String, Long> pv = new TreeMap<>();
        for (JsonNode c : campaign.get("channels")) {
            pv.put(c.get("channel").asText(), c.get("pv").asLong());
            assertWithin(c.get("uv").asLong(), want.channelUsers.get(c.get("channel").asText()).size(), 0.02,
                    "channel uv");
        }
        assertThat(pv).isEqualTo(want.channelPv);
    }

    private static void assertItems(JsonNode campaign, CampaignResult want) {
        List<String> ids = new ArrayList<>();
        int distinctWithinTwoPercent = 0;
        int distinctValues = 0;
        for (JsonNode item : campaign.get("items")) {
            String id = item.get("item_id").asText();
            ids.add(id);
            Totals expected = want.items.get(id);
            assertThat(expected).as("unexpected item " + id).isNotNull();
            assertTotals(item, expected, 0.05);
            if (expected.stock == null) {
                assertThat(item.get("stock_remaining").isNull()).as(id + " stock").isTrue();
            } else {
                assertThat(item.get("stock_remaining").asLong()).as(id + " stock").isEqualTo(expected.stock);
            }
            distinctValues += 2;
            distinctWithinTwoPercent += within(item.get("uv").asLong(), expected.users.size(), 0.02) ? 1 : 0;
            distinctWithinTwoPercent += within(item.get("buyers").asLong(), expected.buyers.size(), 0.02) ? 1 : 0;
        }
        assertThat(ids).containsExactlyInAnyOrderElementsOf(want.items.keySet());
        assertThat(distinctWithinTwoPercent).isGreaterThanOrEqualTo((int) Math.ceil(distinctValues * 0.95));
    }

    private static boolean within(long actual, long expected, double tolerance) {
        return Math.abs(actual - expected) <= tolerance * Math.max(expected, 1);
    }

    private static void assertWithin(long actual, long expected, double tolerance, String what) {
        assertThat(within(actual, expected, tolerance))
                .as("%s: %d against exact %d (tolerance %.0f%%)", what, actual, expected, tolerance * 100)
                .isTrue();
    }
}
