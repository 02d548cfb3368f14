package io.warroom.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class IncidentTest {
    @Test
    void readsEachKindInItsWrittenForm() {
        assertThat(Incident.parse("channel-outage:app@40min+15min"))
                .isEqualTo(new Incident.ChannelOutage("app", Duration.ofMinutes(40), Duration.ofMinutes(15)));
        assertThat(Incident.parse("payment-outage@1h+8min"))
                .isEqualTo(new Incident.PaymentOutage(Duration.ofHours(1), Duration.ofMinutes(8)));
        assertThat(Incident.parse("broken-checkout@50min+20min")).isEqualTo(new Incident.BrokenCheckout(
                Incident.BUSIEST_ITEM, Duration.ofMinutes(50), Duration.ofMinutes(20)));
        assertThat(Incident.parse("broken-checkout:sku-7@50min+20min"))
                .isEqualTo(new Incident.BrokenCheckout("sku-7", Duration.ofMinutes(50), Duration.ofMinutes(20)));
        assertThat(Incident.parse("traffic-crash@70min+10min")).isEqualTo(new Incident.TrafficCrash(
                Incident.CRASH_LOST_SHARE, Duration.ofMinutes(70), Duration.ofMinutes(10)));
    }

    @Test
    void isActiveFromItsStartUntilJustBeforeItsEnd() {
        Incident outage = Incident.parse("payment-outage@10min+5min");

        assertThat(outage.activeAt(Duration.ofMinutes(10).toMillis() - 1)).isFalse();
        assertThat(outage.activeAt(Duration.ofMinutes(10).toMillis())).isTrue();
        assertThat(outage.activeAt(Duration.ofMinutes(15).toMillis() - 1)).isTrue();
        assertThat(outage.activeAt(Duration.ofMinutes(15).toMillis())).isFalse();
    }

    @Test
    void anIncidentThatCannotHappenIsRefused() {
        SaleSettings defaults = SaleSettings.defaults(1);

        assertThatThrownBy(() -> withIncident(defaults, "channel-outage:App@1min+1min"))
                .hasMessageContaining("'App' is not one of");
        assertThatThrownBy(() -> withIncident(defaults, "payment-outage@30min+1min"))
                .hasMessageContaining("starts after the sale ends");
        assertThatThrownBy(() -> new TrafficGenerator(withIncident(defaults, "broken-checkout:sku-0@1min+1min"), "x"))
                .hasMessage("incident item 'sku-0' is not on sale (the items are sku-1 to sku-2000)");
    }

    private static SaleSettings withIncident(SaleSettings s, String incident) {
        return new SaleSettings(s.seed(), s.start(), s.duration(), s.peakRate(), s.baseRate(), s.decay(), s.items(),
                s.hitItems(), s.hitShare(), s.users(), s.inventoryInterval(), s.dirt(),
                List.of(Incident.parse(incident)));
    }

    @Test
    void aMistakeIsOneLine() {
        assertThatThrownBy(() -> Incident.parse("channel-outage@40min+15min")).hasMessageContaining("name the channel");
        assertThatThrownBy(() -> Incident.parse("meteor@40min+15min")).hasMessageContaining("unknown kind 'meteor'");
        assertThatThrownBy(() -> Incident.parse("payment-outage@soon+15min")).hasMessageContaining("'soon' is not");
        assertThatThrownBy(() -> Incident.parse("payment-outage")).hasMessageContaining("KIND[:TARGET]@FROM+LENGTH");
    }
}
