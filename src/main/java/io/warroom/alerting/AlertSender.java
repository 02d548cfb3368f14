package io.warroom.alerting;

import java.io.IOException;
import java.net.URI;

/**
 * Posts one batch of alerts to one Alertmanager. Implementations throw on anything but a 2xx answer, so the caller
 * can retry; {@link HttpAlertSender} is the real one, tests pass fakes.
 */
@FunctionalInterface
public interface AlertSender {
    /**
     * @param alertmanager base URL, e.g. {@code http://alertmanager:9093}
     * @param body JSON array of Alertmanager v2 alerts
     */
    void send(URI alertmanager, byte[] body) throws IOException;
}
