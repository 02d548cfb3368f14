package io.warroom.generator;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.warroom.config.CampaignDefinition;
import io.warroom.config.CampaignLoader;
import io.warroom.config.ItemSettings;
import io.warroom.config.PacingCheckpoint;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generated campaign file is valid and sized to the sale it belongs to. */
class CampaignPlanTest {
    @TempDir
    Path dir;

    @Test
    void theCampaignFileParsesAndCoversTheSale() throws Exception {
        GeneratedSale sale = GeneratedSale.generate(GeneratedSale.small(3, DirtSettings.CLEAN), dir, false);

        CampaignDefinition campaign = CampaignLoader.parse("generated.yaml",
                sale.generator.campaign().yaml().getBytes(UTF_8));

        assertThat(campaign.campaignId()).isEqualTo("test-sale");
        assertThat(campaign.start()).isEqualTo(sale.settings.startMillis());
        assertThat(campaign.end()).isEqualTo(sale.settings.endMillis());
        assertThat(campaign.channels()).containsExactly("app", "mini-program", "web", "live-stream");
        assertThat(campaign.gmvTargetCents()).isEqualTo(sale.generator.campaign().gmvTargetCents());
        // Slightly above what the sale really brings, so pacing is a close call rather than a foregone one.
        long paid = sale.summary.sale().paidGmvCents();
        assertThat(campaign.gmvTargetCents()).isBetween(paid, paid * 13 / 10);
    }

    @Test
    void pacingIsFrontLoadedAndEndsAtTheFullTarget() throws Exception {
        TrafficGenerator generator = new TrafficGenerator(SaleSettings.defaults(42), "d11");
        CampaignDefinition campaign = CampaignLoader.parse("d11.yaml", generator.campaign().yaml().getBytes(UTF_8));
        List<PacingCheckpoint> pacing = campaign.pacing();

        assertThat(pacing).hasSize(6);
        assertThat(pacing.get(5).at()).isEqualTo(campaign.end());
        assertThat(pacing.get(5).share()).isEqualByComparingTo(BigDecimal.ONE);
        // The midnight spike: a sixth of the time is planned to bring well over a sixth of the gmv.
        assertThat(pacing.get(0).share()).isGreaterThan(new BigDecimal("0.3"));
        assertThat(campaign.shortfallTolerance()).isEqualByComparingTo("0.05");
    }

    @Test
    void itemsListTheHitsAndPopularItemsWithStock() throws Exception {
        TrafficGenerator generator = new TrafficGenerator(SaleSettings.defaults(42), "d11");
        CampaignDefinition campaign = CampaignLoader.parse("d11.yaml", generator.campaign().yaml().getBytes(UTF_8));

        assertThat(campaign.items()).hasSize(2 + StockPlan.POPULAR_WATCHED);
        assertThat(campaign.items()).containsKeys(generator.hitItemIds().toArray(String[]::new));
        for (ItemSettings item : campaign.items().values()) {
            assertThat(item.stock()).isPositive();
            assertThat(item.safetyStock()).isPositive().isLessThan(item.stock());
        }
        for (String hit : generator.hitItemIds()) {
            assertThat(campaign.item(hit).gmvTargetCents()).isPositive();
        }
    }
}
