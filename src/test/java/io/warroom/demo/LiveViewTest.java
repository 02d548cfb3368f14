package io.warroom.demo;

import static io.warroom.testkit.TestTimes.at;
import static io.warroom.testkit.TestTimes.minutes;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.warroom.serde.Json;
import io.warroom.testkit.TestCampaigns;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The live view (demo and {@code watch}), folded from the records a downstream consumer reads. */
class LiveViewTest {
    private static final long QUARTER_PAST = at("2026-11-11T10:15:00Z");

    @Test
    void showsAgeGmvAgainstPlanIncidentsBySeverityAndTopItems() throws Exception {
        LiveView view = new LiveView(TestCampaigns.catalog(TestCampaigns.PACED), 2);
        assertThat(view.render(120, 40, QUARTER_PAST)).contains("waiting for the first committed stats");
        feed(view);
        view.acceptAlert(alert("a1", "i1", "STOCK_LOW", "info", "FIRED", "shirt", 0, "shirt: 3 left"));
        view.acceptAlert(alert("a2", "a2", "TRAFFIC_DROP", "page", "FIRED", null, 0, "c1: 12 pv in the last minute"));
        String fired = view.acceptAlert(alert("a3", "a3", "STOCK_OUT", "warning", "FIRED", "hat", 2,
                "hat: out of stock (0 left)"));

        String screen = view.render(120, 40, QUARTER_PAST + 4_000);

        assertThat(screen).contains("event time 10:15:00 Z, 4 s behind now");
        // Plan at 10:15 is half of the 25% due at 10:30: 125.00 of 1000.00.
        assertThat(screen).contains("GMV 150.00 of planned 125.00 (120% of plan)", "orders 5 (3 last minute)");
        assertThat(screen).contains("incidents: 1 page, 1 warning, 1 info");
        assertThat(screen.indexOf("PAGE    TRAFFIC_DROP")).isLessThan(screen.indexOf("WARNING STOCK_OUT"));
        assertThat(screen.indexOf("WARNING STOCK_OUT")).isLessThan(screen.indexOf("INFO    STOCK_LOW"));
        assertThat(screen).contains("hat              since 10:15:00 (2 flaps)  hat: out of stock (0 left)");
        String topItems = screen.substring(screen.indexOf("top items by GMV:"), screen.indexOf("-- latest changes"));
        assertThat(topItems.indexOf("shirt")).isLessThan(topItems.indexOf("hat"));
        assertThat(topItems).doesNotContain("cap");
        assertThat(screen).contains("-- latest changes");
        assertThat(fired).contains("FIRED", "WARNING", "STOCK_OUT", "hat: out of stock");
    }

    @Test
    void theScreenFitsTheTerminal() throws Exception {
        LiveView view = new LiveView(TestCampaigns.catalog(TestCampaigns.PACED), 5);
        feed(view);
        for (int i = 0; i < 12; i++) {
            view.acceptAlert(alert("s" + i, "s" + i, "STOCK_OUT", "warning", "FIRED", "sku-" + i, 0,
                    "sku-" + i + ": out of stock (0 left); " + "x".repeat(200)));
        }

        String screen = view.render(80, 14, QUARTER_PAST);

        assertThat(screen.lines()).hasSizeLessThanOrEqualTo(14)
                .allSatisfy(line -> assertThat(line).hasSizeLessThanOrEqualTo(80));
        assertThat(screen).contains("incidents: 0 page, 12 warning, 0 info", "more");
    }

    @Test
    void aResolvedIncidentLeavesAndPlainOutputGetsOneLinePerCampaign() throws Exception {
        LiveView view = new LiveView(TestCampaigns.catalog(TestCampaigns.PACED), 2);
        feed(view);
        view.acceptAlert(alert("a1", "a1", "STOCK_LOW", "info", "FIRED", "shirt", 0, "shirt: 3 left"));
        view.acceptAlert(alert("a1", "a1", "STOCK_LOW", "info", "RESOLVED", "shirt", 0, "shirt: 9 left"));

        assertThat(view.render(120, 40, QUARTER_PAST)).contains("incidents: none");
        assertThat(view.statusLines(QUARTER_PAST + 120_000)).containsExactly("c1: event time 10:15:00 Z, 2 min behind"
                + " now, gmv 150.00 (120% of plan), orders 5, uv 40; incidents 0 page, 0 warning, 0 info");
    }

    /** A flap's fire and the resolve before it are keyed by alert id: they may be read in either order. */
    @Test
    void aFlapReadBeforeTheResolveItFollowsStaysOpen() throws Exception {
        LiveView view = new LiveView(TestCampaigns.catalog(TestCampaigns.PACED), 2);
        feed(view);
        view.acceptAlert(alert("a1", "a1", "STOCK_OUT", "page", "FIRED", "hat", 0, "hat: out of stock"));
        view.acceptAlert(alert("a2", "a1", "STOCK_OUT", "page", "FIRED", "hat", 1, "hat: out of stock again"));
        view.acceptAlert(alert("a1", "a1", "STOCK_OUT", "page", "RESOLVED", "hat", 0, "hat: back in stock"));

        assertThat(view.render(120, 40, QUARTER_PAST)).contains("incidents: 1 page, 0 warning, 0 info",
                "(1 flaps)  hat: out of stock again");
    }

    private static void feed(LiveView view) throws Exception {
        view.acceptStats(json("""
                {"scope":"campaign","campaign_id":"c1","gmv":"150.00","uv":40,"pv":90,"carts":7,"orders":5,
                 "buyers":4,"conversion":0.1,"watermark":%d,
                 "per_minute":[{"minute":%d,"gmv":"20.00","orders":3,"pv":9}]}"""
                .formatted(QUARTER_PAST, QUARTER_PAST - minutes(1))));
        for (String[] item : new String[][] {{"shirt", "90.00"}, {"cap", "10.00"}, {"hat", "50.00"}}) {
            view.acceptStats(json("""
                    {"scope":"item","campaign_id":"c1","item_id":"%s","gmv":"%s","units":1,"orders":1,
                     "stock_remaining":null}""".formatted(item[0], item[1])));
        }
    }

    private static JsonNode alert(String id, String incident, String type, String severity, String state,
            String item, int flaps, String summary) throws Exception {
        return json("""
                {"id":"%s","incident_id":"%s","type":"%s","severity":"%s","state":"%s","campaign_id":"c1",
                 "item_id":%s,"fired_at":%d,"resolved_at":%s,"flaps":%d,"summary":"%s"}""".formatted(id, incident, type,
                severity, state, item == null ? "null" : "\"" + item + "\"", QUARTER_PAST,
                "RESOLVED".equals(state) ? Long.toString(QUARTER_PAST + 60_000) : "null", flaps, summary));
    }

    private static JsonNode json(String text) throws Exception {
        return Json.readTree(text.getBytes(StandardCharsets.UTF_8));
    }
}
