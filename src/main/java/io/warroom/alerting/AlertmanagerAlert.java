package io.warroom.alerting;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.warroom.model.AlertEvent;
import io.warroom.model.AlertType;
import io.warroom.serde.Json;
import java.io.Serializable;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;

/**
 * Maps an {@link AlertEvent} to one Alertmanager v2 alert ({@code POST /api/v2/alerts} element).
 *
 * <p>Labels identify the alert to Alertmanager and drive routing: {@code alertname} (the type), {@code campaign},
 * {@code item} (item alerts only), {@code severity} ({@code page}, {@code warning} or {@code info}: the incident's),
 * {@code incident_id} and {@code alert_id} (the event's id). Because {@code alert_id} is part of the label set, re-sending the same incident after a restart or
 * replay updates the existing Alertmanager alert instead of creating a second one. Annotations carry the summary,
 * observed value, threshold and a dashboard link. {@code startsAt} is the fire time, {@code endsAt} is chosen by the
 * caller; both are RFC 3339 in UTC.
 */
public final class AlertmanagerAlert implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String dashboardTemplate;
    private final String generatorUrl;

    /**
     * @param dashboardTemplate link with {@code {campaign}} and {@code {item}} placeholders, or
     *     {@code {campaign_label}} and {@code {item_label}} for the forms Prometheus labels hold (URL-encoded on
     *     substitution; the item ones become empty for campaign alerts); null for no dashboard annotation
     * @param generatorUrl optional link back to the job (e.g. the Flink UI); null to omit
     */
    public AlertmanagerAlert(String dashboardTemplate, String generatorUrl) {
        this.dashboardTemplate = dashboardTemplate;
        this.generatorUrl = generatorUrl;
    }

    /**
     * @param alert the incident's identity and texts (labels and startsAt come from it)
     * @param endsAtMillis when Alertmanager should consider it over: in the future for a firing alert, the resolve
     *     time for a resolved one
     */
    public ObjectNode toJson(AlertEvent alert, long endsAtMillis) {
        ObjectNode json = Json.object();
        ObjectNode labels = json.putObject("labels");
        labels.put("alertname", alert.type().name());
        labels.put("campaign", alert.campaignId());
        if (alert.itemId() != null) {
            labels.put("item", alert.itemId());
        }
        if (alert.channel() != null) {
            labels.put("channel", alert.channel());
        }
        labels.put("severity", alert.severity().label());
        labels.put("alert_id", alert.id());
        labels.put("incident_id", alert.incidentId());
        ObjectNode annotations = json.putObject("annotations");
        putIfPresent(annotations, "summary", alert.summary());
        putIfPresent(annotations, "observed", alert.observed());
        putIfPresent(annotations, "threshold", alert.threshold());
        if (dashboardTemplate != null && !dashboardTemplate.isEmpty()) {
            annotations.put("dashboard", dashboardTemplate
                    .replace("{campaign}", encode(alert.campaignId()))
                    .replace("{item}", alert.itemId() == null ? "" : encode(alert.itemId()))
                    .replace("{campaign_label}", encode(asLabel(alert.campaignId())))
                    .replace("{item_label}", alert.itemId() == null ? "" : encode(asLabel(alert.itemId()))));
        }
        json.put("startsAt", rfc3339(alert.firedAt()));
        // Alertmanager rejects a batch holding an alert that ends before it starts (event time may run ahead of
        // the wall clock), so an end is never earlier than the start.
        json.put("endsAt", rfc3339(Math.max(endsAtMillis, alert.firedAt())));
        if (generatorUrl != null && !generatorUrl.isEmpty()) {
            json.put("generatorURL", generatorUrl);
        }
        return json;
    }

    static String rfc3339(long epochMillis) {
        return DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(epochMillis));
    }

    private static void putIfPresent(ObjectNode node, String field, String value) {
        // An empty annotation is noise in every notification template; leave it out.
        if (value != null && !value.isEmpty()) {
            node.put(field, value);
        }
    }

    /**
     * The value as Flink's Prometheus reporter writes it into a label (other characters than letters, digits, '_'
     * and ':' become '_'), which is what dashboard variables hold.
     */
    static String asLabel(String value) {
        return value.replaceAll("[^a-zA-Z0-9_:]", "_");
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
