package io.warroom.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.warroom.config.CampaignCatalog;
import io.warroom.config.CampaignDefinition;
import io.warroom.model.MinuteStats;
import io.warroom.serde.Money;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo's terminal view: folds the monitor's {@code campaign-stats} and {@code campaign-alerts} records and
 * renders a compact screen per campaign (gmv against plan, uv, conversion, orders per minute, top items, active
 * alerts). Alert changes are also returned as one line each, to print as they happen.
 */
public final class LiveView {
    private static final DateTimeFormatter CLOCK =
            DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    private final CampaignCatalog campaigns;
    private final int topItems;
    private final Map<String, JsonNode> campaignStats = new HashMap<>();
    private final Map<String, Map<String, JsonNode>> itemStats = new HashMap<>();
    private final Map<String, JsonNode> activeAlerts = new LinkedHashMap<>();
    private final Map<String, Long> ordersPerMinute = new HashMap<>();

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
            activeAlerts.put(id, alert);
        } else {
            activeAlerts.remove(id);
        }
        long at = fired ? alert.path("fired_at").asLong() : alert.path("resolved_at").asLong();
        return String.format("%s %-8s %-21s %s", CLOCK.format(Instant.ofEpochMilli(at)), fired ? "FIRED" : "RESOLVED",
                alert.path("type").asText(), alert.path("summary").asText());
    }

    /** The current screen. */
    public String render() {
        StringBuilder out = new StringBuilder();
        for (CampaignDefinition campaign : campaigns.all()) {
            JsonNode stats = campaignStats.get(campaign.campaignId());
            out.append("== ").append(campaign.name()).append(" (").append(campaign.campaignId()).append(")\n");
            if (stats == null) {
                out.append("   waiting for the first committed stats...\n");
                continue;
            }
            long gmv = Money.parseCents(stats.path("gmv").asText());
            long watermark = stats.path("watermark").asLong();
            long planned = campaign.plannedCentsAt(watermark);
            String pace = planned == 0 ? "" : String.format(" (%d%% of plan)", Math.round(100.0 * gmv / planned));
            out.append(String.format("   GMV %s of planned %s%s, target %s   event time %s%n", Money.format(gmv),
                    Money.format(planned), pace, Money.format(campaign.gmvTargetCents()),
                    watermark > 0 ? CLOCK.format(Instant.ofEpochMilli(watermark)) : "-"));
            out.append(String.format("   uv %d   pv %d   carts %d   orders %d (%d last minute)   buyers %d   "
                            + "conversion %.2f%%%n",
                    stats.path("uv").asLong(), stats.path("pv").asLong(), stats.path("carts").asLong(),
                    stats.path("orders").asLong(), ordersPerMinute.getOrDefault(campaign.campaignId(), 0L),
                    stats.path("buyers").asLong(), 100 * stats.path("conversion").asDouble()));
            List<JsonNode> top = new ArrayList<>(itemStats.getOrDefault(campaign.campaignId(), Map.of()).values());
            top.sort(Comparator.comparingLong((JsonNode i) -> Money.parseCents(i.path("gmv").asText())).reversed());
            out.append("   top items by GMV:\n");
            for (JsonNode item : top.subList(0, Math.min(topItems, top.size()))) {
                JsonNode stock = item.path("stock_remaining");
                out.append(String.format("     %-16s %14s  %6d units  %6d orders  stock %s%n",
                        item.path("item_id").asText(), Money.format(Money.parseCents(item.path("gmv").asText())),
                        item.path("units").asLong(), item.path("orders").asLong(),
                        stock.isNull() ? "-" : Long.toString(stock.asLong())));
            }
            List<JsonNode> alerts = activeAlerts.values().stream()
                    .filter(a -> campaign.campaignId().equals(a.path("campaign_id").asText()))
                    .toList();
            out.append("   active alerts: ").append(alerts.isEmpty() ? "none" : alerts.size()).append('\n');
            for (JsonNode alert : alerts) {
                out.append("     ").append(alert.path("type").asText()).append("  ")
                        .append(alert.path("summary").asText()).append('\n');
            }
        }
        return out.toString();
    }
}
