package io.warroom.pipeline;

import static io.warroom.testkit.SaleScenario.MINUTE;
import static io.warroom.testkit.SaleScenario.START;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.warroom.config.CampaignLoader;
import io.warroom.model.OrderLine;
import io.warroom.testkit.ReplayHarness;
import io.warroom.testkit.SaleScenario;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A catalog far larger than its sale (100,000 items from an {@code items_file} table, a handful of orders), replayed
 * at parallelism 2: every configured item opens with its stock before event time moves, however much faster the
 * sale's files are read than the openings sent, and the sold items' stock is what the orders leave.
 */
class LargeCatalogReplayIT {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = ReplayHarness.miniCluster();

    private static final int ITEMS = 100_000;

    @TempDir
    Path dir;

    @Test
    void everyConfiguredItemOpensWithItsStockBeforeTheSaleMovesEventTime() throws Exception {
        StringBuilder table = new StringBuilder("item_id,stock\n");
        for (int i = 0; i < ITEMS; i++) {
            table.append("sku-").append(i).append(',').append(10 + i % 90).append('\n');
        }
        Files.writeString(dir.resolve("catalog.csv"), table);
        Path campaign = Files.writeString(dir.resolve("large.yaml"), """
                campaign_id: large
                start: "2026-11-11T00:00:00+08:00"
                end: "2026-11-11T01:00:00+08:00"
                gmv_target: "1000.00"
                items_file: catalog.csv
                """);
        SaleScenario sale = SaleScenario.constructed(7)
                .paidOrder("o-1", START + MINUTE, START + 2 * MINUTE, "u-1", new OrderLine("sku-0", 3, 1000))
                .paidOrder("o-2", START + 3 * MINUTE, START + 4 * MINUTE, "u-2", new OrderLine("sku-99999", 2, 500))
                .click("c-1", START + 5 * MINUTE, "u-3", "sku-50000", "app");

        JsonNode report = ReplayHarness.replay(sale, CampaignLoader.load(List.of(campaign)), dir, "large");

        JsonNode items = report.get("campaigns").get(0).get("items");
        assertThat(items).hasSize(ITEMS);
        for (JsonNode item : items) {
            int index = Integer.parseInt(item.get("item_id").asText().substring("sku-".length()));
            long configured = 10 + index % 90;
            long sold = index == 0 ? 3 : index == 99_999 ? 2 : 0;
            assertThat(item.get("stock_remaining").asLong()).as(item.get("item_id").asText())
                    .isEqualTo(configured - sold);
        }
        assertThat(report.get("campaigns").get(0).get("gmv").asText()).isEqualTo("40.00");
    }
}
