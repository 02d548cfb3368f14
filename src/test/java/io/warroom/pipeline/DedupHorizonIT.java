package io.warroom.pipeline;

import static io.warroom.testkit.SaleScenario.START;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.warroom.config.CampaignCatalog;
import io.warroom.config.CampaignLoader;
import io.warroom.config.CampaignTimeline;
import io.warroom.config.MonitorOptions;
import io.warroom.config.StateBackendChoice;
import io.warroom.model.CartEvent;
import io.warroom.model.ClickEvent;
import io.warroom.testkit.ReferenceMonitor;
import io.warroom.testkit.ReplayHarness;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The too-late rule of docs/metrics.md through the replay pipeline (MiniCluster, parallelism 2): a click or cart more
 * than the out-of-orderness bound (5 s) plus the campaign's {@code dedup_horizon} behind the highest ts read before
 * it from its file is dropped and counted in {@code late_dropped}, copies or not; within it, copies are dropped once
 * and the rest count. Campaign "tight" has a 2-minute horizon (125 s with the bound); "roomy", over the same window,
 * the default hour, so it counts every distinct id.
 */
class DedupHorizonIT {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = ReplayHarness.miniCluster();

    private static final String TIGHT = """
            campaign_id: tight
            start: "2026-11-11T00:00:00+08:00"
            end: "2026-11-11T00:30:00+08:00"
            gmv_target: "1000.00"
            dedup_horizon: 2min
            """;
    private static final String ROOMY = TIGHT.replace("tight", "roomy").replace("dedup_horizon: 2min\n", "");

    @TempDir
    Path dir;

    @Test
    void eventsBeyondTheHorizonAreDroppedAndCountedOnce() throws Exception {
        List<ClickEvent> clicks = List.of(
                click("c1", 60_000),
                click("c2", 600_000), // the highest so far from here on, until c6
                click("c3", 480_000), // 120 s behind: counts
                click("c4", 475_000), // 125 s behind: counts (not more than the bound)
                click("c5", 474_999), // 125.001 s behind: too late
                click("c1", 60_000), // a copy, and too late: late, not a duplicate
                click("c2", 600_000), // a copy within the horizon: dropped, not counted anywhere
                click("c6", 900_000),
                click("c3", 480_000), // a copy 420 s behind: too late
                click("c7", 1_000_000),
                click("c8", 10_000)); // 990 s behind: too late
        List<CartEvent> carts = List.of(
                cart("k1", 100_000),
                cart("k2", 700_000),
                cart("k3", 560_000), // 140 s behind: too late
                cart("k2", 700_000)); // a copy within the horizon
        Path input = dir.resolve("input");
        writeLines(input.resolve("clicks.jsonl"), clicks.stream().map(DedupHorizonIT::json).toList());
        writeLines(input.resolve("carts.jsonl"), carts.stream().map(DedupHorizonIT::json).toList());
        CampaignCatalog catalog = new CampaignCatalog(List.of(
                CampaignLoader.parse("tight.yaml", TIGHT.getBytes(StandardCharsets.UTF_8)),
                CampaignLoader.parse("roomy.yaml", ROOMY.getBytes(StandardCharsets.UTF_8))));

        Path heapReport = ReplayHarness.replay(catalog, input, dir, "heap", 2);
        JsonNode report = ReplayHarness.read(heapReport);

        JsonNode tight = ReplayHarness.campaign(report, "tight");
        assertThat(tight.get("pv").asLong()).isEqualTo(6); // c1, c2, c3, c4, c6, c7
        assertThat(tight.get("carts").asLong()).isEqualTo(2); // k1, k2
        assertThat(tight.get("late_dropped").asLong()).isEqualTo(5); // c5, c1, c3, c8; k3
        JsonNode roomy = ReplayHarness.campaign(report, "roomy");
        assertThat(roomy.get("pv").asLong()).isEqualTo(8);
        assertThat(roomy.get("carts").asLong()).isEqualTo(3);
        assertThat(roomy.get("late_dropped").asLong()).isZero();

        ReferenceMonitor.Expected expected = ReferenceMonitor.compute(clicks, carts, List.of(), List.of(), catalog);
        for (String campaignId : List.of("tight", "roomy")) {
            ReferenceMonitor.Totals want = expected.campaigns().get(campaignId).totals;
            JsonNode actual = ReplayHarness.campaign(report, campaignId);
            assertThat(actual.get("pv").asLong()).as(campaignId + " pv").isEqualTo(want.pv);
            assertThat(actual.get("carts").asLong()).as(campaignId + " carts").isEqualTo(want.carts);
            assertThat(actual.get("late_dropped").asLong()).as(campaignId + " late").isEqualTo(want.lateDropped);
        }

        Configuration onDisk = new Configuration();
        onDisk.set(MonitorOptions.STATE_BACKEND, StateBackendChoice.ROCKSDB);
        Path rocksDbReport = ReplayHarness.replay(CampaignTimeline.of(catalog), MonitorOptions.settings(onDisk),
                input, dir, "rocksdb", 2);
        assertThat(Files.readString(rocksDbReport)).isEqualTo(Files.readString(heapReport));
    }

    /** docs/metrics.md, "Which records move event time": one record years ahead must not make the rest late. */
    @Test
    void aRecordYearsAheadMovesNeitherTheWatermarkNorTheHorizon() throws Exception {
        long yearsAhead = 9_999_999_999_999L - START; // 2286-11-20, a valid ts
        List<ClickEvent> clicks = List.of(
                click("c1", 60_000),
                click("poison", yearsAhead),
                click("c2", 120_000),
                click("c3", 1_500_000),
                click("c4", 1_000_000)); // 500 s behind c3: too late for "tight" only
        Path input = dir.resolve("input-ahead");
        writeLines(input.resolve("clicks.jsonl"), clicks.stream().map(DedupHorizonIT::json).toList());
        CampaignCatalog catalog = new CampaignCatalog(List.of(
                CampaignLoader.parse("tight.yaml", TIGHT.getBytes(StandardCharsets.UTF_8)),
                CampaignLoader.parse("roomy.yaml", ROOMY.getBytes(StandardCharsets.UTF_8))));

        JsonNode report = ReplayHarness.read(ReplayHarness.replay(catalog, input, dir, "ahead", 2));

        ReferenceMonitor.Expected expected = ReferenceMonitor.compute(clicks, List.of(), List.of(), List.of(), catalog);
        assertThat(ReplayHarness.campaign(report, "roomy").get("pv").asLong()).isEqualTo(4);
        assertThat(ReplayHarness.campaign(report, "tight").get("pv").asLong()).isEqualTo(3);
        for (String campaignId : List.of("tight", "roomy")) {
            ReferenceMonitor.Totals want = expected.campaigns().get(campaignId).totals;
            JsonNode actual = ReplayHarness.campaign(report, campaignId);
            assertThat(actual.get("pv").asLong()).as(campaignId + " pv").isEqualTo(want.pv);
            assertThat(actual.get("late_dropped").asLong()).as(campaignId + " late").isEqualTo(want.lateDropped);
        }
    }

    private static ClickEvent click(String eventId, long offsetMillis) {
        return new ClickEvent(eventId, START + offsetMillis, "u-" + eventId, "sku-1", "app");
    }

    private static CartEvent cart(String eventId, long offsetMillis) {
        return new CartEvent(eventId, START + offsetMillis, "u-" + eventId, "sku-1", 1);
    }

    private static String json(ClickEvent e) {
        return "{\"event_id\":\"%s\",\"ts\":%d,\"user_id\":\"%s\",\"item_id\":\"%s\",\"channel\":\"%s\"}"
                .formatted(e.eventId(), e.ts(), e.userId(), e.itemId(), e.channel());
    }

    private static String json(CartEvent e) {
        return "{\"event_id\":\"%s\",\"ts\":%d,\"user_id\":\"%s\",\"item_id\":\"%s\",\"quantity\":%d}"
                .formatted(e.eventId(), e.ts(), e.userId(), e.itemId(), e.quantity());
    }

    private static void writeLines(Path file, List<String> lines) throws Exception {
        Files.createDirectories(file.getParent());
        Files.write(file, new ArrayList<>(lines));
    }
}
