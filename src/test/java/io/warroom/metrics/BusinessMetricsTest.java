package io.warroom.metrics;

import static io.warroom.testkit.TestTimes.at;
import static io.warroom.testkit.TestTimes.minutes;
import static org.assertj.core.api.Assertions.assertThat;

import io.warroom.config.CampaignCatalog;
import io.warroom.config.CampaignDefinition;
import io.warroom.config.CampaignTimeline;
import io.warroom.model.AlertEvent;
import io.warroom.model.AlertType;
import io.warroom.model.CampaignStats;
import io.warroom.model.ChannelStats;
import io.warroom.model.ItemStats;
import io.warroom.model.MinuteStats;
import io.warroom.model.MonitorOutput;
import io.warroom.model.PacingStatus;
import io.warroom.testkit.TestCampaigns;
import java.util.List;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.testutils.MetricListener;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The business gauges: values, the pacing plan at event time, watched items and their bounds, alerts. */
class BusinessMetricsTest {
    private static final String CAMPAIGN = "c1";
    private static final long START = at("2026-11-11T10:00:00Z");
    /** Halfway to the first checkpoint (10:30, share 0.25): the plan is at 0.125 of 1000.00. */
    private static final long QUARTER_PAST = START + minutes(15);
    private static final String YAML = TestCampaigns.PACED + """
            items:
              - { item_id: listed, stock: 100 }
            """;

    private MetricListener listener;
    private BusinessMetrics metrics;
    private long wallClock;

    @BeforeEach
    void setUp() throws Exception {
        CampaignCatalog catalog = TestCampaigns.catalog(YAML);
        listener = new MetricListener();
        metrics = new BusinessMetrics(CampaignTimeline.of(catalog), listener.getMetricGroup(), 2, 4, () -> wallClock);
    }

    @Test
    void campaignGaugesExistBeforeAnySaleAndFollowItsStats() throws Exception {
        assertThat(campaignGauge("gmv_cents")).isEqualTo(0L);
        assertThat(campaignGauge("gmv_target_cents")).isEqualTo(100_000L);

        metrics.accept(MonitorOutput.of(campaign(12_345, QUARTER_PAST,
                new MinuteStats(QUARTER_PAST - minutes(1), 500, 2, 40), new MinuteStats(QUARTER_PAST, 100, 1, 7))));

        assertThat(campaignGauge("gmv_cents")).isEqualTo(12_345L);
        assertThat(campaignGauge("orders")).isEqualTo(3L);
        assertThat(campaignGauge("uv")).isEqualTo(50L);
        assertThat(campaignGauge("conversion")).isEqualTo(0.06);
        assertThat(campaignGauge("gmv_planned_cents")).isEqualTo(12_500L);
        // The minute in progress is not a rate yet; the last complete one is.
        assertThat(campaignGauge("gmv_per_minute_cents")).isEqualTo(500L);
        assertThat(campaignGauge("orders_per_minute")).isEqualTo(2L);
        assertThat(campaignGauge("pv_per_minute")).isEqualTo(40L);
        assertThat(listener.getGauge(campaignPath("channel", "app", "channel_uv"))).map(Gauge::getValue)
                .contains(30L);
    }

    @Test
    void listedItemsAreWatchedFromTheStartAndTheTopItemsWhenTheyLead() throws Exception {
        assertThat(itemGauge("listed", "item_gmv_cents")).isEqualTo(0L);
        assertThat(itemGauge("listed", "item_stock_remaining")).isEqualTo(Double.NaN);

        // While fewer than the top 2 have sold, every item that sells is among them.
        metrics.accept(MonitorOutput.of(item("big", 90_000, 0, null, START)));
        metrics.accept(MonitorOutput.of(item("bigger", 95_000, 0, null, START)));
        assertThat(listener.getGauge(campaignPath("item", "big", "item_gmv_cents"))).isPresent();
        assertThat(listener.getGauge(campaignPath("item", "bigger", "item_gmv_cents"))).isPresent();

        wallClock += 2_000;
        metrics.accept(MonitorOutput.of(item("small", 100, 0, null, START)));

        assertThat(listener.getGauge(campaignPath("item", "small", "item_gmv_cents"))).isEmpty();
        assertThat(itemGauge("bigger", "item_gmv_cents")).isEqualTo(95_000L);
    }

    @Test
    void watchedItemsNeverExceedTheCap() throws Exception {
        for (int i = 1; i <= 10; i++) {
            wallClock += 2_000;
            // Each new item leads, so each would enter the top; the cap (4, with the listed one) stops them.
            metrics.accept(MonitorOutput.of(item("hit-" + i, 1_000L * i * i, 0, null, START)));
        }

        long watched = java.util.stream.IntStream.rangeClosed(1, 10)
                .filter(i -> listener.getGauge(campaignPath("item", "hit-" + i, "item_gmv_cents")).isPresent())
                .count();
        assertThat(watched).isEqualTo(3);
    }

    @Test
    void sellRateAndMinutesToSelloutComeFromTheLastTenMinutesOfEventTime() throws Exception {
        metrics.accept(MonitorOutput.of(item("listed", 0, 0, 100L, START)));
        metrics.accept(MonitorOutput.of(item("listed", 0, 20, 80L, START + minutes(5))));
        metrics.accept(MonitorOutput.of(item("listed", 0, 40, 60L, START + minutes(10))));

        assertThat(itemGauge("listed", "item_sell_rate_per_minute")).isEqualTo(4.0);
        assertThat(itemGauge("listed", "item_minutes_to_sellout")).isEqualTo(15.0);

        metrics.accept(MonitorOutput.of(item("listed", 0, 50, 50L, START + minutes(15))));
        // The sample at 10:00 left the window: 30 units over the 10 minutes since 10:05.
        assertThat(itemGauge("listed", "item_sell_rate_per_minute")).isEqualTo(3.0);
    }

    @Test
    void activeAlertsAreCountedByTypeAndFlaggedOnWatchedItems() throws Exception {
        metrics.accept(MonitorOutput.of(AlertEvent.fired(AlertType.STOCK_LOW, CAMPAIGN, "listed", START, "", "", "")));
        metrics.accept(MonitorOutput.of(AlertEvent.fired(AlertType.STOCK_LOW, CAMPAIGN, "other", START, "", "", "")));

        assertThat(listener.getGauge(campaignPath("alert_type", "STOCK_LOW", "alerts_active")))
                .map(Gauge::getValue).contains(2);
        assertThat(listener.getGauge(campaignPath("item", "listed", "alert_type", "STOCK_LOW", "item_alert_active")))
                .map(Gauge::getValue).contains(1);

        metrics.accept(MonitorOutput.of(
                AlertEvent.resolved(AlertType.STOCK_LOW, CAMPAIGN, "listed", START, START + 1, "", "", "")));

        assertThat(listener.getGauge(campaignPath("alert_type", "STOCK_LOW", "alerts_active")))
                .map(Gauge::getValue).contains(1);
        assertThat(listener.getGauge(campaignPath("item", "listed", "alert_type", "STOCK_LOW", "item_alert_active")))
                .map(Gauge::getValue).contains(0);
    }

    @Test
    void aCampaignAlertAndItsChannelsAlertsOfOneTypeAreCountedApart() {
        metrics.accept(MonitorOutput.of(AlertEvent.fired(AlertType.TRAFFIC_DROP, CAMPAIGN, null, START, "", "", "")));
        metrics.accept(MonitorOutput.of(
                AlertEvent.fired(AlertType.TRAFFIC_DROP, CAMPAIGN, null, "app", START, "", "", "")));
        metrics.accept(MonitorOutput.of(
                AlertEvent.fired(AlertType.TRAFFIC_DROP, CAMPAIGN, null, "web", START, "", "", "")));
        assertThat(listener.getGauge(campaignPath("alert_type", "TRAFFIC_DROP", "alerts_active")))
                .map(Gauge::getValue).contains(3);

        metrics.accept(MonitorOutput.of(AlertEvent.resolved(AlertType.TRAFFIC_DROP, CAMPAIGN, null, "app", START,
                START + 1, "", "", "")));

        assertThat(listener.getGauge(campaignPath("alert_type", "TRAFFIC_DROP", "alerts_active")))
                .map(Gauge::getValue).contains(2);
    }

    @Test
    void aRestoredViewShowsWhatTheGaugesShowedBeforeWithoutNewStats() throws Exception {
        metrics.accept(MonitorOutput.of(campaign(12_345, QUARTER_PAST - minutes(1),
                new MinuteStats(QUARTER_PAST - minutes(1), 500, 2, 40))));
        metrics.accept(MonitorOutput.of(campaign(12_445, QUARTER_PAST, new MinuteStats(QUARTER_PAST, 100, 1, 7))));
        metrics.accept(MonitorOutput.of(item("listed", 7_000, 30, 70L, START)));
        metrics.accept(MonitorOutput.of(item("listed", 9_000, 40, 60L, START + minutes(10))));
        metrics.accept(MonitorOutput.of(item("hit", 5_000, 5, null, START)));
        metrics.accept(MonitorOutput.of(AlertEvent.fired(AlertType.STOCK_LOW, CAMPAIGN, "listed", START, "", "", "")));
        metrics.accept(MonitorOutput.of(AlertEvent.fired(AlertType.TARGET_SHORTFALL, CAMPAIGN, null, START, "", "",
                "")));

        List<MonitorOutput> saved = metrics.view();
        listener = new MetricListener();
        metrics = new BusinessMetrics(CampaignTimeline.of(TestCampaigns.catalog(YAML)), listener.getMetricGroup(), 2,
                4, () -> wallClock);
        metrics.restore(saved);

        assertThat(campaignGauge("gmv_cents")).isEqualTo(12_445L);
        assertThat(campaignGauge("uv")).isEqualTo(50L);
        assertThat(campaignGauge("event_time")).isEqualTo(QUARTER_PAST);
        assertThat(campaignGauge("gmv_per_minute_cents")).as("the last complete minute").isEqualTo(500L);
        assertThat(itemGauge("listed", "item_gmv_cents")).isEqualTo(9_000L);
        assertThat(itemGauge("listed", "item_stock_remaining")).isEqualTo(60.0);
        assertThat(itemGauge("hit", "item_gmv_cents")).as("a top item stays watched").isEqualTo(5_000L);
        assertThat(listener.getGauge(campaignPath("channel", "app", "channel_uv"))).map(Gauge::getValue)
                .contains(30L);
        assertThat(listener.getGauge(campaignPath("alert_type", "STOCK_LOW", "alerts_active")))
                .map(Gauge::getValue).contains(1);
        assertThat(listener.getGauge(campaignPath("alert_type", "TARGET_SHORTFALL", "alerts_active")))
                .map(Gauge::getValue).contains(1);
        assertThat(listener.getGauge(campaignPath("item", "listed", "alert_type", "STOCK_LOW", "item_alert_active")))
                .map(Gauge::getValue).contains(1);
    }

    private Object campaignGauge(String name) {
        return listener.getGauge(campaignPath(name)).map(Gauge::getValue).orElseThrow();
    }

    private Object itemGauge(String itemId, String name) {
        return listener.getGauge(campaignPath("item", itemId, name)).map(Gauge::getValue).orElseThrow();
    }

    private static String[] campaignPath(String... rest) {
        String[] path = new String[2 + rest.length];
        path[0] = "campaign";
        path[1] = CAMPAIGN;
        System.arraycopy(rest, 0, path, 2, rest.length);
        return path;
    }

    /** Campaign stats as the campaign function sends them, with the target and plan of the test campaign. */
    private static CampaignStats campaign(long gmvCents, long watermark, MinuteStats... minutes) throws Exception {
        CampaignDefinition definition = TestCampaigns.catalog(YAML).get(CAMPAIGN);
        return new CampaignStats(CAMPAIGN, gmvCents, 0, 3, 4, 3, 50, 80, 9, 0, watermark,
                definition.gmvTargetCents(), definition.plannedCentsAt(watermark), minutes,
                new ChannelStats[] {new ChannelStats("app", 30, 60)}, new PacingStatus[0], false);
    }

    private static ItemStats item(String itemId, long gmvCents, long units, Long stock, long watermark) {
        return new ItemStats(CAMPAIGN, itemId, gmvCents, 0, units, units, 1, 10, 10, 1, stock, watermark, false);
    }
}
