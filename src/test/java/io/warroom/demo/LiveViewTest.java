package io.warroom.demo;

import static io.warroom.testkit.TestTimes.at;
import static io.warroom.testkit.TestTimes.minutes;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.warroom.serde.Json;
import io.warroom.testkit.TestCampaigns;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The demo's screen, folded from the records a downstream consumer reads. */
class LiveViewTest {
    private static final long QUARTER_PAST = at("2026-11-11T10:15:00Z");

    @Test
    void showsGmvAgainstPlanTopItemsAndActiveAlerts() throws Exception {
        LiveView view = new LiveView(TestCampaigns.catalog(TestCampaigns.PACED), 2);
        assertThat(view.render()).contains("waiting for the first committed stats");

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
        String fired = view.acceptAlert(json("""
                {"id":"a1","type":"STOCK_LOW","state":"FIRED","campaign_id":"c1","item_id":"shirt",
                 "fired_at":%d,"resolved_at":null,"summary":"shirt: 3 left, safety stock is 5"}"""
                .formatted(QUARTER_PAST)));

        String screen = view.render();
        // Plan at 10:15 is half of the 25% due at 10:30: 125.00 of 1000.00.
        assertThat(screen).contains("GMV 150.00 of planned 125.00 (120% of plan)");
        assertThat(screen).contains("orders 5 (3 last minute)");
        assertThat(screen.indexOf("shirt")).isLessThan(screen.indexOf("hat"));
        assertThat(screen).doesNotContain("cap  ");
        assertThat(screen).contains("active alerts: 1", "STOCK_LOW  shirt: 3 left");
        assertThat(fired).contains("FIRED", "STOCK_LOW", "shirt: 3 left");

        view.acceptAlert(json("""
                {"id":"a1","type":"STOCK_LOW","state":"RESOLVED","campaign_id":"c1","item_id":"shirt",
                 "fired_at":%d,"resolved_at":%d,"summary":"shirt: 9 left, safety stock is 5"}"""
                .formatted(QUARTER_PAST, QUARTER_PAST + 1)));
        assertThat(view.render()).contains("active alerts: none");
    }

    private static JsonNode json(String text) throws Exception {
        return Json.readTree(text.getBytes(StandardCharsets.UTF_8));
    }
}
