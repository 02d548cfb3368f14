package io.warroom.pipeline;

import static io.warroom.model.AlertType.CONVERSION_DROP;
import static io.warroom.model.AlertType.STOCK_ETA;
import static io.warroom.model.AlertType.TRAFFIC_DROP;
import static io.warroom.testkit.SaleScenario.MINUTE;
import static io.warroom.testkit.SaleScenario.START;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.warroom.config.CampaignCatalog;
import io.warroom.config.CampaignDefinition;
import io.warroom.config.CampaignLoader;
import io.warroom.model.AlertType;
import io.warroom.model.OrderLine;
import io.warroom.testkit.ReferenceMonitor;
import io.warroom.testkit.ReferenceMonitor.Alert;
import io.warroom.testkit.ReplayHarness;
import io.warroom.testkit.SaleScenario;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * STOCK_ETA, CONVERSION_DROP and TRAFFIC_DROP through the whole replay pipeline (MiniCluster, parallelism 2), on
 * small constructed sales whose numbers are worked out by hand below. Each test checks the report's alert list
 * twice: exactly against {@link ReferenceMonitor}, and against the hand-computed alerts, so neither a reference
 * that agrees with a wrong pipeline nor a scenario that trips nothing can pass. Times are minutes after
 * 2026-11-11T00:00+08:00; every campaign starts then. The lines carry duplicates and disorder within the bound.
 */
class EarlyWarningAlertsIT {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = ReplayHarness.miniCluster();

    @TempDir
    Path dir;

    /**
     * sku-hot (stock 500) sells 5 units/min for 10 minutes, then 40 units/min. At 00:12 the last 10 minutes sold 120
     * units and 370 are left (3700 > 30 x 120: clear); at 00:13 they sold 155 and 330 are left (3300 <= 30 x 155):
     * fires. A restock to 2000 at 00:20:30 clears it at 00:21 (1980 x 10 > 30 x 400). sku-calm never comes close.
     * The same sale in a campaign with {@code stock_eta: {enabled: false}} raises nothing.
     */
    @Test
    void stockEtaFiresWhenTheWindowsSellRateEmptiesTheStockWithinTheHorizonAndResolvesOnRestock() throws Exception {
        SaleScenario sale = SaleScenario.constructed(17L);
        int order = 0;
        for (int m = 0; m < 35; m++) {
            if (m < 10) {
                paid(sale, "o-" + order++, at(m, 30), "sku-hot", 5);
            } else {
                for (int s : new int[] {5, 20, 35, 50}) {
                    paid(sale, "o-" + order++, at(m, s), "sku-hot", 10);
                }
            }
            paid(sale, "o-" + order++, at(m, 45), "sku-calm", 2);
            // light traffic: too little for the conversion and traffic alerts to have a say
            clicks(sale, m, "sku-hot", "app", 10);
            clicks(sale, m, "sku-calm", "web", 5);
        }
        sale.inventory(at(20, 30), "sku-hot", 2000);
        String items = "items: [{ item_id: sku-hot, stock: 500 }, { item_id: sku-calm, stock: 10000 }]\n";
        CampaignCatalog campaigns = catalog(
                campaign("eta", 35) + items,
                campaign("eta-off", 35) + items + "alerts: { stock_eta: { enabled: false } }\n");

        JsonNode report = ReplayHarness.replay(sale, campaigns, dir, "stock-eta");

        List<Alert> alerts = assertAlertsMatchTheReference(report, sale, campaigns);
        assertThat(alerts).containsExactly(new Alert(STOCK_ETA, "eta", "sku-hot", null, at(13), at(21)));
        assertDescribed(report, STOCK_ETA, "sku-hot");
        assertThat(stockRemaining(report, "eta", "sku-hot")).isEqualTo(2000 - 20 - 14 * 40);
    }

    /**
     * sku-bulk (200 pv and 10 paid orders a minute) and sku-steady (25 pv, 2 orders) carry the campaign; sku-conv has
     * 30 pv and 3 orders a minute, except none in minutes 20 to 29. W = 10, 3 sigmas, and the default payment lag
     * L = 3 and drop 0.5; the baseline's orders start at minute 3. With k = E - 20 minutes of the gap in sku-conv's window, it
     * has o = 30 - 3k paid orders against e = 30 x the campaign's trend, (150 - 3k) / 150, so e = 30 - 0.6k. At
     * 00:26 (k = 6) o = 12 < 0.5 x 26.4 but (26.4 - 12)^2 = 207.4 < 9 x 26.4: not yet beyond chance; at 00:27 it
     * fires (9 < 12.9, 282.2 >= 232.2). Orders resume at 00:30; at 00:33 o = 9 against e = 25.5 x 0.887 = 22.6:
     * still below half, but (13.6)^2 = 185 < 203: it resolves. The campaign itself falls from 150 to 120 orders per
     * window: no campaign alert. With {@code drop: 0.9} only the empty window at 00:30 (0 < 2.4) fires; at 00:31
     * 3 orders against 23.5 resolve it.
     */
    @Test
    void conversionDropFiresForTheItemWhoseOrdersStopWhileTheCampaignGoesOn() throws Exception {
        SaleScenario sale = SaleScenario.constructed(23L);
        int order = 0;
        for (int m = 0; m < 40; m++) {
            clicks(sale, m, "sku-bulk", "app", 200);
            clicks(sale, m, "sku-conv", "app", 30);
            clicks(sale, m, "sku-steady", "web", 25);
            for (int i = 0; i < 10; i++) {
                paid(sale, "o-" + order++, at(m, 3 + 5 * i), "sku-bulk", 1);
            }
            if (m < 20 || m >= 30) {
                for (int s : new int[] {10, 30, 50}) {
                    paid(sale, "o-" + order++, at(m, s), "sku-conv", 1);
                }
            }
            for (int s : new int[] {15, 45}) {
                paid(sale, "o-" + order++, at(m, s), "sku-steady", 1);
            }
        }
        String windows = "window_minutes: 10, min_sigmas: 3";
        CampaignCatalog campaigns = catalog(
                campaign("conversion", 40) + "alerts: { conversion_drop: { " + windows + " } }\n",
                campaign("conversion-strict", 40) + "alerts: { conversion_drop: { drop: 0.9, " + windows + " } }\n",
                campaign("conversion-off", 40) + "alerts: { conversion_drop: { enabled: false } }\n");

        JsonNode report = ReplayHarness.replay(sale, campaigns, dir, "conversion-drop");

        List<Alert> alerts = assertAlertsMatchTheReference(report, sale, campaigns);
        assertThat(alerts).containsExactlyInAnyOrder(
                new Alert(CONVERSION_DROP, "conversion", "sku-conv", null, at(27), at(33)),
                new Alert(CONVERSION_DROP, "conversion-strict", "sku-conv", null, at(30), at(31)));
        assertDescribed(report, CONVERSION_DROP, "sku-conv");
    }

    /**
     * A payment outage: no order of any item is paid in minutes 20 to 27, clicks go on. With W = 10 and 3 sigmas, the
     * campaign's three items (275 pv and 15 paid orders a minute together) expect 150 orders per window from their
     * earlier conversions. At 00:25 its window holds
     * 75, exactly half, which is not "more than" half; at 00:26, 60 (and 90^2 >= 9 x 150): it fires. Orders resume at
     * 00:28; at 00:33 the window holds 75 against 255 x 2750 / 5500 = 127.5 expected, above half: it resolves. Every
     * item lost its orders in the same minutes as the campaign, so scaled by the campaign's trend each item gets
     * exactly the orders it was expected to: no item alert.
     */
    @Test
    void aPaymentOutageIsOneCampaignAlertNotOnePerItem() throws Exception {
        SaleScenario sale = SaleScenario.constructed(37L);
        int order = 0;
        for (int m = 0; m < 45; m++) {
            clicks(sale, m, "sku-bulk", "app", 200);
            clicks(sale, m, "sku-conv", "app", 50);
            clicks(sale, m, "sku-steady", "web", 25);
            if (m >= 20 && m < 28) {
                continue;
            }
            for (int i = 0; i < 10; i++) {
                paid(sale, "o-" + order++, at(m, 3 + 5 * i), "sku-bulk", 1);
            }
            for (int s : new int[] {10, 30, 50}) {
                paid(sale, "o-" + order++, at(m, s), "sku-conv", 1);
            }
            for (int s : new int[] {15, 45}) {
                paid(sale, "o-" + order++, at(m, s), "sku-steady", 1);
            }
        }
        CampaignCatalog campaigns = catalog(
                campaign("payments", 45) + "alerts: { conversion_drop: { window_minutes: 10, min_sigmas: 3 } }\n");

        JsonNode report = ReplayHarness.replay(sale, campaigns, dir, "payment-outage");

        List<Alert> alerts = assertAlertsMatchTheReference(report, sale, campaigns);
        assertThat(alerts).containsExactly(new Alert(CONVERSION_DROP, "payments", null, null, at(26), at(33)));
        assertThat(alertNodes(report, CONVERSION_DROP)).allSatisfy(
                a -> assertThat(a.get("summary").asText()).startsWith("campaign payments: "));
    }

    /**
     * 60 pv/min (app 24, web 30, mini-program 6, which counts as "other" since the campaign lists app and web), with
     * {@code min_pv_per_minute: 20} and the default 3-minute baseline, so a baseline needs 60 pv. Minutes 15 to 17
     * fall to 10 pv (4, 5, 1): every channel keeps its share, so only the campaign fires, at 00:16 (10 x 3 < 0.5 x
     * 180), and resolves at 00:19 (60 >= 0.5 x 60). From 00:30 web is silent: its share falls from 50% to 0 and it
     * fires at 00:31; the campaign's own pv then halves exactly (30 x 3 = 0.5 x 180), which is not "more than" 50%,
     * and app's share rises. In the last minute (00:39) all traffic stops: the campaign fires at the end boundary,
     * 00:40, and web, a share of nothing, stays as it was: both unresolved. "other" never has the baseline minimum.
     * A campaign whose traffic plan expects the dip (10 pv/min in minutes 15 to 17) does not fire for it.
     */
    @Test
    void trafficDropFiresForTheCampaignAgainstItsCurveAndForAChannelWhoseShareCollapses() throws Exception {
        SaleScenario sale = SaleScenario.constructed(29L);
        for (int m = 0; m < 39; m++) {
            boolean dip = m >= 15 && m <= 17;
            clicks(sale, m, null, "app", dip ? 4 : 24);
            clicks(sale, m, null, "web", dip ? 5 : m >= 30 ? 0 : 30);
            clicks(sale, m, null, "mini-program", dip ? 1 : 6);
        }
        String channels = "channels: [app, web]\n";
        String thresholds = "alerts: { traffic_drop: { min_pv_per_minute: 20 } }\n";
        CampaignCatalog campaigns = catalog(
                campaign("traffic", 40) + channels + thresholds,
                campaign("traffic-planned", 40) + channels + thresholds + """
                        traffic_plan:
                          - { at: "2026-11-11T00:00:00+08:00", pv_per_minute: 60 }
                          - { at: "2026-11-11T00:15:00+08:00", pv_per_minute: 10 }
                          - { at: "2026-11-11T00:18:00+08:00", pv_per_minute: 60 }
                        """,
                campaign("traffic-off", 40) + channels
                        + "alerts: { traffic_drop: { enabled: false, min_pv_per_minute: 20 } }\n");

        JsonNode report = ReplayHarness.replay(sale, campaigns, dir, "traffic-drop");

        List<Alert> alerts = assertAlertsMatchTheReference(report, sale, campaigns);
        assertThat(alerts).containsExactlyInAnyOrder(
                new Alert(TRAFFIC_DROP, "traffic", null, null, at(16), at(19)),
                new Alert(TRAFFIC_DROP, "traffic", null, "web", at(31), null),
                new Alert(TRAFFIC_DROP, "traffic", null, null, at(40), null),
                new Alert(TRAFFIC_DROP, "traffic-planned", null, "web", at(31), null),
                new Alert(TRAFFIC_DROP, "traffic-planned", null, null, at(40), null));
        assertDescribed(report, TRAFFIC_DROP, "web");
        // the campaign-wide alert names no channel: the report leaves the field out
        assertThat(alertNodes(report, TRAFFIC_DROP)).filteredOn(a -> !a.has("channel")).hasSize(3);
        assertThat(alertNodes(report, TRAFFIC_DROP)).extracting(a -> a.get("id").asText()).doesNotHaveDuplicates();
    }

    /**
     * A busy, even sale: about 300 pv/min over three channels, items converting steadily with ample stock (the best
     * seller's stock lasts over 3 hours at its rate). Every threshold has enough data to be tested, and none of the
     * three alerts may fire.
     */
    @Test
    void steadySaleRaisesNoEarlyWarning() throws Exception {
        SaleScenario sale = SaleScenario.constructed(31L);
        Random random = new Random(31L);
        String[] channels = {"app", "web", "mini-program"};
        int order = 0;
        int click = 0;
        for (int m = 0; m < 45; m++) {
            int pv = 280 + random.nextInt(41);
            for (int k = 0; k < pv; k++) {
                // a fifth of the clicks on sku-star, the rest spread over 20 items
                String item = k % 5 == 0 ? "sku-star" : "sku-" + random.nextInt(20);
                sale.click("c-" + click++, at(m, 0) + (long) k * MINUTE / pv, "u-" + random.nextInt(2000), item,
                        channels[random.nextInt(channels.length)]);
            }
            int starOrders = 5 + random.nextInt(3);
            for (int i = 0; i < starOrders; i++) {
                paid(sale, "o-" + order++, at(m, 1 + 8 * i), "sku-star", 2);
            }
            paid(sale, "o-" + order++, at(m, 59), "sku-" + random.nextInt(20), 1);
        }
        CampaignCatalog campaigns = catalog(campaign("steady", 45) + "items: [{ item_id: sku-star, stock: 3000 }]\n");

        JsonNode report = ReplayHarness.replay(sale, campaigns, dir, "steady");

        ReferenceMonitor.Expected expected = ReferenceMonitor.compute(sale, campaigns);
        assertThat(ReplayHarness.alerts(report)).isEqualTo(expected.alerts()).isEmpty();
        // not vacuous: the traffic alert's minimum (100 pv/min) and the conversion's (200 pv per window) are met
        assertThat(expected.campaigns().get("steady").minutes.values())
                .allSatisfy(minute -> assertThat(minute.pv()).isBetween(280L, 320L));
        assertThat(expected.campaigns().get("steady").items.get("sku-star").pv).isGreaterThanOrEqualTo(45 * 56L);
        assertThat(expected.campaigns().get("steady").items.get("sku-star").units).isBetween(45 * 10L, 45 * 14L);
    }

    // ---- the sale's building blocks ----

    private static long at(int minute) {
        return START + minute * MINUTE;
    }

    private static long at(int minute, int second) {
        return at(minute) + second * 1_000L;
    }

    /** A one-line order of 10.00 a unit, created at {@code ts} and paid 2 s later (in the same minute). */
    private static void paid(SaleScenario sale, String orderId, long ts, String itemId, int quantity) {
        sale.paidOrder(orderId, ts, ts + 2_000, "buyer-" + orderId, new OrderLine(itemId, quantity, 1_000));
    }

    /** {@code count} clicks evenly over minute {@code m}; a null item spreads them over 50 items. */
    private static void clicks(SaleScenario sale, int m, String itemId, String channel, int count) {
        for (int k = 0; k < count; k++) {
            String item = itemId != null ? itemId : "sku-" + (k % 50);
            String id = "c-" + channel + "-" + (itemId == null ? "any" : itemId) + "-" + m + "-" + k;
            sale.click(id, at(m) + (long) k * MINUTE / count, "u-" + (k % 97), item, channel);
        }
    }

    private static String campaign(String id, int minutes) {
        return "campaign_id: " + id + "\n"
                + "start: \"2026-11-11T00:00:00+08:00\"\n"
                + "end: \"2026-11-11T00:" + minutes + ":00+08:00\"\n"
                + "gmv_target: \"1000.00\"\n";
    }

    private static CampaignCatalog catalog(String... yaml) throws Exception {
        List<CampaignDefinition> campaigns = new ArrayList<>();
        for (String file : yaml) {
            campaigns.add(CampaignLoader.parse("test.yaml", file.getBytes(StandardCharsets.UTF_8)));
        }
        return new CampaignCatalog(campaigns);
    }

    // ---- what the report must say ----

    private static List<Alert> assertAlertsMatchTheReference(JsonNode report, SaleScenario sale,
            CampaignCatalog campaigns) {
        List<Alert> actual = ReplayHarness.alerts(report);
        assertThat(actual).containsExactlyInAnyOrderElementsOf(ReferenceMonitor.compute(sale, campaigns).alerts());
        return actual;
    }

    private static List<JsonNode> alertNodes(JsonNode report, AlertType type) {
        List<JsonNode> nodes = new ArrayList<>();
        report.get("alerts").forEach(a -> {
            if (a.get("type").asText().equals(type.name())) {
                nodes.add(a);
            }
        });
        return nodes;
    }

    /** Someone paged must see what the alert (of an item or a channel) is about and what was measured against what. */
    private static void assertDescribed(JsonNode report, AlertType type, String subject) {
        List<JsonNode> about = alertNodes(report, type).stream()
                .filter(a -> subject.equals(a.path("item_id").asText(null))
                        || subject.equals(a.path("channel").asText(null)))
                .toList();
        assertThat(about).isNotEmpty().allSatisfy(a -> {
            assertThat(a.get("summary").asText()).as("summary of %s", a).contains(subject);
            assertThat(a.get("observed").asText()).as("observed of %s", a).isNotBlank();
            assertThat(a.get("threshold").asText()).as("threshold of %s", a).isNotBlank();
        });
    }

    private static long stockRemaining(JsonNode report, String campaignId, String itemId) {
        for (JsonNode campaign : report.get("campaigns")) {
            if (campaign.get("campaign_id").asText().equals(campaignId)) {
                for (JsonNode item : campaign.get("items")) {
                    if (item.get("item_id").asText().equals(itemId)) {
                        return item.get("stock_remaining").asLong();
                    }
                }
            }
        }
        throw new AssertionError(itemId + " not in campaign " + campaignId);
    }
}
