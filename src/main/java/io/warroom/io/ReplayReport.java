package io.warroom.io;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.warroom.model.AlertEvent;
import io.warroom.model.CampaignStats;
import io.warroom.model.ItemStats;
import io.warroom.model.MinuteStats;
import io.warroom.model.MonitorOutput;
import io.warroom.model.RejectReason;
import io.warroom.model.RejectedRecord;
import io.warroom.serde.Json;
import io.warroom.serde.OutputJson;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Folds the monitor's outputs into the replay report: the latest stats of every campaign and item, every alert with
 * its fire and resolve times, and the rejected records counted by reason and stream. Its output is deterministic:
 * campaigns and items are sorted by id, alerts by fire time and id.
 */
public final class ReplayReport {
    private final Map<String, CampaignStats> campaigns = new TreeMap<>();
    private final Map<String, TreeMap<Long, MinuteStats>> minutes = new TreeMap<>();
    private final Map<String, TreeMap<String, ItemStats>> items = new TreeMap<>();
    private final Map<String, AlertEvent> alerts = new LinkedHashMap<>();
    private final Map<RejectReason, Long> rejectedByReason = new EnumMap<>(RejectReason.class);
    private final Map<String, Long> rejectedByStream = new TreeMap<>();
    private long rejected;

    public void add(MonitorOutput entry) {
        if (entry.item() != null) {
            ItemStats s = entry.item();
            items.computeIfAbsent(s.campaignId(), k -> new TreeMap<>()).put(s.itemId(), s);
        } else if (entry.campaign() != null) {
            CampaignStats s = entry.campaign();
            campaigns.put(s.campaignId(), s);
            TreeMap<Long, MinuteStats> series = minutes.computeIfAbsent(s.campaignId(), k -> new TreeMap<>());
            for (MinuteStats m : s.minutes()) {
                series.put(m.minuteStart(), m);
            }
        } else if (entry.alert() != null) {
            AlertEvent a = entry.alert();
            // An alert is listed once, saying what it said when it fired, with when it resolved.
            alerts.merge(a.id(), a, (earlier, later) -> later.state() == AlertEvent.State.RESOLVED
                    ? earlier.asResolvedAt(later.resolvedAt()) : earlier);
        } else if (entry.rejected() != null) {
            addRejected(entry.rejected());
        }
    }

    public void addRejected(RejectedRecord r) {
        rejected++;
        rejectedByReason.merge(r.reason(), 1L, Long::sum);
        rejectedByStream.merge(r.stream(), 1L, Long::sum);
    }

    public long rejectedCount() {
        return rejected;
    }

    /** The report as one tree: for tests and small reports; {@link #writeTo} writes the same document. */
    public ObjectNode toJson() {
        ObjectNode root = Json.object();
        ArrayNode campaignArray = root.putArray("campaigns");
        for (CampaignStats s : campaigns.values()) {
            ObjectNode c = OutputJson.campaignTotals(s);
            ArrayNode series = c.putArray("per_minute");
            minutesOf(s).forEach(m -> series.add(OutputJson.minute(m)));
            ArrayNode itemArray = c.putArray("items");
            itemsOf(s).forEach(i -> itemArray.add(OutputJson.item(i)));
            campaignArray.add(c);
        }
        root.setAll(alertsAndRejected());
        return root;
    }

    /**
     * Writes the report, item by item: a catalog of a million items would take gigabytes as one tree and one string.
     */
    public void writeTo(JsonGenerator out) throws IOException {
        out.writeStartObject();
        out.writeArrayFieldStart("campaigns");
        for (CampaignStats s : campaigns.values()) {
            out.writeStartObject();
            writeFields(OutputJson.campaignTotals(s), out);
            out.writeArrayFieldStart("per_minute");
            for (MinuteStats m : minutesOf(s)) {
                out.writeTree(OutputJson.minute(m));
            }
            out.writeEndArray();
            out.writeArrayFieldStart("items");
            for (ItemStats i : itemsOf(s)) {
                out.writeTree(OutputJson.item(i));
            }
            out.writeEndArray();
            out.writeEndObject();
        }
        out.writeEndArray();
        writeFields(alertsAndRejected(), out);
        out.writeEndObject();
    }

    private static void writeFields(ObjectNode node, JsonGenerator out) throws IOException {
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            out.writeFieldName(field.getKey());
            out.writeTree(field.getValue());
        }
    }

    private Collection<MinuteStats> minutesOf(CampaignStats s) {
        return minutes.getOrDefault(s.campaignId(), new TreeMap<>()).values();
    }

    private Collection<ItemStats> itemsOf(CampaignStats s) {
        return items.getOrDefault(s.campaignId(), new TreeMap<>()).values();
    }

    /** The fields after the campaigns: incidents, alerts, rejected. */
    private ObjectNode alertsAndRejected() {
        ObjectNode root = Json.object();
        List<AlertEvent> sorted = alerts.values().stream()
                .sorted(Comparator.comparingLong(AlertEvent::firedAt).thenComparing(AlertEvent::id))
                .toList();
        ArrayNode incidentArray = root.putArray("incidents");
        Map<String, List<AlertEvent>> byIncident = new LinkedHashMap<>();
        sorted.forEach(a -> byIncident.computeIfAbsent(a.incidentId(), k -> new ArrayList<>()).add(a));
        byIncident.values().forEach(incident -> incidentArray.add(OutputJson.incident(incident)));
        ArrayNode alertArray = root.putArray("alerts");
        sorted.forEach(a -> alertArray.add(OutputJson.alert(a)));
        ObjectNode rejectedNode = root.putObject("rejected");
        rejectedNode.put("total", rejected);
        ObjectNode byReason = rejectedNode.putObject("by_reason");
        rejectedByReason.forEach((reason, count) -> byReason.put(reason.code(), count));
        ObjectNode byStream = rejectedNode.putObject("by_stream");
        rejectedByStream.forEach(byStream::put);
        return root;
    }
}
