package io.warroom.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import io.warroom.model.AlertEvent;
import io.warroom.model.AlertType;
import org.junit.jupiter.api.Test;

/** The dashboard link of an alert, with raw ids or the label forms dashboard variables hold. */
class AlertmanagerAlertTest {
    private static final long T0 = 1794326400000L;

    @Test
    void labelPlaceholdersGiveTheFormPrometheusLabelsHold() {
        AlertmanagerAlert format = new AlertmanagerAlert(
                "http://grafana:3000/d/warroom-item?var-campaign={campaign_label}&var-item={item_label}&raw={item}",
                null);
        AlertEvent alert = AlertEvent.fired(AlertType.STOCK_ETA, "double11-2026", "sku-1/blue", T0, "s", "1", "2");

        assertThat(format.toJson(alert, T0).at("/annotations/dashboard").asText()).isEqualTo(
                "http://grafana:3000/d/warroom-item?var-campaign=double11_2026&var-item=sku_1_blue&raw=sku-1%2Fblue");
    }

    @Test
    void aChannelsTrafficDropCarriesItsChannelLabelAndNoItem() {
        AlertEvent alert = AlertEvent.fired(AlertType.TRAFFIC_DROP, "d11", null, "app", T0, "s", "3", "50.0");

        var json = new AlertmanagerAlert(null, null).toJson(alert, T0);

        assertThat(json.at("/labels/channel").asText()).isEqualTo("app");
        assertThat(json.at("/labels").has("item")).isFalse();
        assertThat(json.at("/labels/severity").asText()).isEqualTo("page");
    }
}
