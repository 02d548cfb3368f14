package io.warroom.alerting;

import io.warroom.pipeline.MonitorSinks;
import io.warroom.pipeline.MonitorStreams;
import java.net.URI;
import java.util.List;

/** Sends the monitor's alerts to one or more Alertmanagers, besides whatever else the job writes. */
public final class AlertmanagerOutput implements MonitorSinks {
    private final List<URI> alertmanagers;
    private final String dashboardTemplate;

    /**
     * @param dashboardTemplate link put on every alert, with {@code {campaign}} and {@code {item}} placeholders; null
     *     for none
     */
    public AlertmanagerOutput(List<URI> alertmanagers, String dashboardTemplate) {
        this.alertmanagers = List.copyOf(alertmanagers);
        this.dashboardTemplate = dashboardTemplate;
    }

    @Override
    public void attach(MonitorStreams streams) {
        streams.alerts()
                .sinkTo(new AlertmanagerSink(AlertDeliverySettings.defaults(alertmanagers),
                        new AlertmanagerAlert(dashboardTemplate, null)))
                .setParallelism(1)
                .name("Alertmanager")
                .uid("alertmanager-sink");
    }
}
