package io.warroom.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.warroom.config.CampaignCatalog;
import io.warroom.config.CampaignDefinition;
import io.warroom.model.MinuteStats;
import io.warroom.model.Severity;
import io.warroom.serde.Money;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The war room's terminal view (the demo's, and {@code run --watch}'s): folds the monitor's {@code campaign-stats}
 * and {@code campaign-alerts} records and draws, per campaign, how old the numbers are, gmv against plan, the funnel,
 * the open incidents by severity (one line each) and the top items, fitted to the terminal's size. Alert changes are
 * also returned as one line each, for output that is not a terminal, and the last few are shown under the screen.
 */
public final class LiveView {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");
    private static final int RECENT_CHANGES = 4;

    private final CampaignCatalog campaigns;
    private final int topItems;
    private final Map<String, JsonNode> campaignStats = new HashMap<>();
    private final Map<String, Map<String, JsonNode>> itemStats = new HashMap<>();
    /**
     * Firing alerts by alert id. Incidents are made of them when drawn: a flap's fire may be read before the resolve
     * of the alert before it (they are keyed by alert id, so they can come from different partitions).
     */
    private final Map<String, JsonNode> firing = new LinkedHashMap<>();
    private final Map<String, Long> ordersPerMinute = new HashMap<>();
    private final Deque<String> recentChanges = new ArrayDeque<>();

    public LiveView(CampaignCatalog campaigns, int topItems) {
        this.campaigns = campaigns;
        this.topItems = topItems;
    }

    /** Takes one {@code campaign-stats} record. */
    public void acceptStats(JsonNode record) {
        String campaignId = record.path("campaign_id").asText();
        if ("campaign".equals(record.path("scope").asText())) {
            campaignStats.put(campaignId, record);
            long watermark = record.path("watermark").asLong();
            long lastCompleteMinute = MinuteStats.minuteOf(watermark) - MinuteStats.MINUTE_MILLIS;
            for (JsonNode minute : record.path("per_minute")) {
                if (minute.path("minute").asLong() == lastCompleteMinute) {
                    ordersPerMinute.put(campaignId, minute.path("orders").asLong());
                }
            }
        } else {
            itemStats.computeIfAbsent(campaignId, k -> new HashMap<>()).put(record.path("item_id").asText(), record);
        }
    }

    /** Takes one {@code campaign-alerts} record and returns the line announcing it. */
    public String acceptAlert(JsonNode alert) {
        String id = alert.path("id").asText();
        boolean fired = "FIRED".equals(alert.path("state").asText());
        if (fired) {
            firing.put(id, alert);
        } else {
            firing.remove(id);
        }
        long at = fired ? alert.path("fired_at").asLong() : alert.path("resolved_at").asLong();
        String line = String.format("%s %-8s %-7s %-21s %s", clock(alert.path("campaign_id").asText(), at),
                fired ? "FIRED" : "RESOLVED", severity(alert).label().toUpperCase(), alert.path("type").asText(),
                alert.path("summary").asText());
        recentChanges.addLast(line);
        while (recentChanges.size() > RECENT_CHANGES) {
            recentChanges.removeFirst();
        }
        return line;
    }

    /** One line per campaign, for output that is not a terminal. */
    public List<String> statusLines(long nowMillis) {
        List<String> lines = new ArrayList<>();
        for (CampaignDefinition campaign : campaigns.all()) {
            JsonNode stats = campaignStats.get(campaign.campaignId());
            if (stats == null) {
                lines.add(campaign.campaignId() + ": waiting for the first committed stats");
                continue;
            }
            Map<Severity, Long> open = bySeverity(openIncidents(campaign.campaignId()));
            lines.add(String.format("%s: %s, gmv %s (%s), orders %d, uv %d; incidents %d page, %d warning, %d info",
                    campaign.campaignId(), age(campaign, stats, nowMillis), Money.format(gmv(stats)),
                    pace(campaign, stats), stats.path("orders").asLong(), stats.path("uv").asLong(),
                    open.getOrDefault(Severity.PAGE, 0L), open.getOrDefault(Severity.WARNING, 0L),
                    open.getOrDefault(Severity.INFO, 0L)));
        }
        return lines;
    }

    /** The screen at {@code nowMillis}, every line cut to {@code width} and no more than {@code height} lines. */
    public String render(int width, int height, long nowMillis) {
        List<String> lines = new ArrayList<>();
        List<CampaignDefinition> all = campaigns.all();
        int reserved = recentChanges.isEmpty() ? 0 : recentChanges.size() + 1;
        int perCampaign = Math.max(4, (height - reserved) / Math.max(1, all.size()));
        for (CampaignDefinition campaign : all) {
            lines.addAll(campaignLines(campaign, perCampaign, nowMillis));
        }
        if (!recentChanges.isEmpty()) {
            lines.add("-- latest changes");
            lines.addAll(recentChanges);
        }
        StringBuilder out = new StringBuilder();
        for (String line : lines.subList(0, Math.min(lines.size(), Math.max(1, height)))) {
            out.append(line.length() > width ? line.substring(0, Math.max(0, width - 1)) + "~" : line).append('\n');
        }
        return out.toString();
    }

    private List<String> campaignLines(CampaignDefinition campaign, int budget, long nowMillis) {
        List<String> lines = new ArrayList<>();
        JsonNode stats = campaignStats.get(campaign.campaignId());
        if (stats == null) {
            lines.add("== " + campaign.name() + " (" + campaign.campaignId() + ")");
            lines.add("   waiting for the first committed stats...");
            return lines;
        }
        lines.add("== " + campaign.name() + " (" + campaign.campaignId() + ")   " + age(campaign, stats, nowMillis));
        long planned = campaign.plannedCentsAt(stats.path("watermark").asLong());
        lines.add(String.format("   GMV %s of planned %s (%s), target %s", Money.format(gmv(stats)),
                Money.format(planned), pace(campaign, stats), Money.format(campaign.gmvTargetCents())));
        lines.add(String.format("   uv %d   pv %d   carts %d   orders %d (%d last minute)   buyers %d   "
                        + "conversion %.2f%%",
                stats.path("uv").asLong(), stats.path("pv").asLong(), stats.path("carts").asLong(),
                stats.path("orders").asLong(), ordersPerMinute.getOrDefault(campaign.campaignId(), 0L),
                stats.path("buyers").asLong(), 100 * stats.path("conversion").asDouble()));
        List<JsonNode> open = openIncidents(campaign.campaignId()).stream()
                .sorted(Comparator.comparing(LiveView::severity)
                        .thenComparingLong(a -> a.path("fired_at").asLong()))
                .toList();
        Map<Severity, Long> counts = bySeverity(open);
        lines.add(open.isEmpty() ? "   incidents: none" : String.format("   incidents: %d page, %d warning, %d info",
                counts.getOrDefault(Severity.PAGE, 0L), counts.getOrDefault(Severity.WARNING, 0L),
                counts.getOrDefault(Severity.INFO, 0L)));
        // The top items get what the incidents leave, but at least a line when there is room for it.
        int itemRows = Math.min(topItems, Math.max(0, (budget - lines.size()) / 3));
        int incidentRows = Math.max(0, budget - lines.size() - (itemRows > 0 ? itemRows + 1 : 0));
        for (JsonNode incident : open.subList(0, Math.min(open.size(), incidentRows))) {
            lines.add(incidentLine(campaign, incident));
        }
        if (incidentRows > 0 && open.size() > incidentRows) {
            lines.set(lines.size() - 1, "     ... and " + (open.size() - incidentRows + 1) + " more");
        }
        if (itemRows > 0) {
            List<JsonNode> top = new ArrayList<>(itemStats.getOrDefault(campaign.campaignId(), Map.of()).values());
            top.sort(Comparator.comparingLong((JsonNode i) -> gmv(i)).reversed());
            lines.add("   top items by GMV:");
            for (JsonNode item : top.subList(0, Math.min(itemRows, top.size()))) {
                JsonNode stock = item.path("stock_remaining");
                lines.add(String.format("     %-16s %14s  %6d units  %6d orders  stock %s",
                        item.path("item_id").asText(), Money.format(gmv(item)), item.path("units").asLong(),
                        item.path("orders").asLong(), stock.isNull() ? "-" : Long.toString(stock.asLong())));
            }
        }
        return lines;
    }

    private String incidentLine(CampaignDefinition campaign, JsonNode incident) {
        String subject = !incident.path("item_id").isNull() && incident.has("item_id")
                ? incident.path("item_id").asText()
                : incident.has("channel") ? "channel " + incident.path("channel").asText() : "campaign";
        int flaps = incident.path("flaps").asInt();
        return String.format("     %-7s %-21s %-16s since %s%s  %s", severity(incident).label().toUpperCase(),
                incident.path("type").asText(), subject, clock(campaign, incident.path("fired_at").asLong()),
                flaps > 0 ? " (" + flaps + " flaps)" : "", incident.path("summary").asText());
    }

    /** The campaign's open incidents, each as the latest of its firing alerts. */
    private List<JsonNode> openIncidents(String campaignId) {
        Map<String, JsonNode> latest = new LinkedHashMap<>();
        for (JsonNode alert : firing.values()) {
            if (campaignId.equals(alert.path("campaign_id").asText())) {
                latest.merge(alert.path("incident_id").asText(alert.path("id").asText()), alert,
                        (a, b) -> b.path("fired_at").asLong() >= a.path("fired_at").asLong() ? b : a);
            }
        }
        return new ArrayList<>(latest.values());
    }

    private static Map<Severity, Long> bySeverity(List<JsonNode> incidents) {
        Map<Severity, Long> counts = new HashMap<>();
        incidents.forEach(a -> counts.merge(severity(a), 1L, Long::sum));
        return counts;
    }

    /** "event time 00:41:03 +08:00, 4 s behind now": a number is only as good as its age. */
    private static String age(CampaignDefinition campaign, JsonNode stats, long nowMillis) {
        long watermark = stats.path("watermark").asLong();
        Duration behind = Duration.ofMillis(Math.max(0, nowMillis - watermark));
        String lag = behind.toSeconds() < 120 ? behind.toSeconds() + " s"
                : behind.toMinutes() < 120 ? behind.toMinutes() + " min"
                : behind.toHours() < 48 ? behind.toHours() + " h" : behind.toDays() + " days";
        return "event time " + clock(campaign, watermark) + " " + campaign.zone() + ", " + lag + " behind now";
    }

    private static String pace(CampaignDefinition campaign, JsonNode stats) {
        long planned = campaign.plannedCentsAt(stats.path("watermark").asLong());
        return planned == 0 ? "no plan yet" : Math.round(100.0 * gmv(stats) / planned) + "% of plan";
    }

    private String clock(String campaignId, long at) {
        CampaignDefinition campaign = campaigns.get(campaignId);
        return campaign == null ? CLOCK.format(OffsetDateTime.ofInstant(Instant.ofEpochMilli(at), ZoneOffset.UTC))
                : clock(campaign, at);
    }

    private static String clock(CampaignDefinition campaign, long at) {
        return CLOCK.format(OffsetDateTime.ofInstant(Instant.ofEpochMilli(at), campaign.zone()));
    }

    private static Severity severity(JsonNode alert) {
        String label = alert.path("severity").asText("");
        return label.isEmpty() ? Severity.WARNING : Severity.ofLabel(label);
    }

    private static long gmv(JsonNode stats) {
        return Money.parseCents(stats.path("gmv").asText("0.00"));
    }
}
