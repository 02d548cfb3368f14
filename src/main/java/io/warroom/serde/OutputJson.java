package io.warroom.serde;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.warroom.model.AlertEvent;
import io.warroom.model.CampaignStats;
import io.warroom.model.ChannelStats;
import io.warroom.model.ItemStats;
import io.warroom.model.MinuteStats;
import io.warroom.model.PacingStatus;
import io.warroom.model.RejectedRecord;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;

/**
 * The JSON form of everything warroom writes: Kafka output records and the replay report share these mappings,
 * so a field means the same wherever it appears. Money is a string with two decimals; times are epoch ms.
 */
public final class OutputJson {
    private OutputJson() {}

    /** The metric fields shared by campaign and item stats, in the report's order. */
    private static void metrics(ObjectNode n, long gmv, long refunded, long orders, long units, long buyers, long uv,
            long pv, long carts) {
        n.put("gmv", Money.format(gmv));
        n.put("refunded", Money.format(refunded));
        n.put("orders", orders);
        n.put("units", units);
        n.put("buyers", buyers);
        n.put("uv", uv);
        n.put("pv", pv);
        n.put("carts", carts);
        n.put("conversion", ratio(uv == 0 ? 0.0 : (double) buyers / uv));
    }

    public static ObjectNode item(ItemStats s) {
        ObjectNode n = Json.object();
        n.put("item_id", s.itemId());
        metrics(n, s.gmvCents(), s.refundedCents(), s.orders(), s.units(), s.buyers(), s.uv(), s.pv(), s.carts());
        if (s.stockRemaining() == null) {
            n.putNull("stock_remaining");
        } else {
            n.put("stock_remaining", s.stockRemaining());
        }
        return n;
    }

    public static ObjectNode campaignTotals(CampaignStats s) {
        ObjectNode n = Json.object();
        n.put("campaign_id", s.campaignId());
        metrics(n, s.gmvCents(), s.refundedCents(), s.orders(), s.units(), s.buyers(), s.uv(), s.pv(), s.carts());
        n.put("late_dropped", s.lateDropped());
        n.put("gmv_target", Money.format(s.gmvTargetCents()));
        n.put("gmv_planned", Money.format(s.plannedGmvCents()));
        ArrayNode channels = n.putArray("channels");
        for (ChannelStats c : s.channels()) {
            channels.addObject().put("channel", c.channel()).put("uv", c.uv()).put("pv", c.pv());
        }
        ArrayNode pacing = n.putArray("pacing");
        for (PacingStatus p : s.pacing()) {
            ObjectNode o = pacing.addObject();
            o.put("at", p.at());
            o.put("planned_gmv", Money.format(p.plannedCents()));
            o.put("gmv_before", Money.format(p.gmvBeforeCents()));
            o.put("evaluated", p.evaluated());
            o.put("behind", p.behind());
        }
        return n;
    }

    public static ObjectNode minute(MinuteStats m) {
        return Json.object()
                .put("minute", m.minuteStart())
                .put("gmv", Money.format(m.gmvCents()))
                .put("orders", m.orders())
                .put("pv", m.pv());
    }

    /** A {@code campaign-stats} record for one item. */
    public static ObjectNode itemRecord(ItemStats s) {
        ObjectNode n = Json.object();
        n.put("scope", "item");
        n.put("campaign_id", s.campaignId());
        n.setAll(item(s));
        n.put("watermark", s.watermark());
        n.put("closed", s.closed());
        return n;
    }

    /**
     * A {@code campaign-stats} record for a campaign; {@code per_minute} holds the minutes that changed since the
     * previous record, so a consumer keeps the latest value per minute.
     */
    public static ObjectNode campaignRecord(CampaignStats s) {
        ObjectNode n = Json.object();
        n.put("scope", "campaign");
        n.setAll(campaignTotals(s));
        ArrayNode minutes = n.putArray("per_minute");
        for (MinuteStats m : s.minutes()) {
            minutes.add(minute(m));
        }
        n.put("watermark", s.watermark());
        n.put("closed", s.closed());
        return n;
    }

    public static ObjectNode alert(AlertEvent a) {
        ObjectNode n = Json.object();
        n.put("id", a.id());
        n.put("type", a.type().name());
        n.put("state", a.state().name());
        n.put("campaign_id", a.campaignId());
        if (a.itemId() == null) {
            n.putNull("item_id");
        } else {
            n.put("item_id", a.itemId());
        }
        if (a.channel() != null) {
            n.put("channel", a.channel());
        }
        n.put("fired_at", a.firedAt());
        if (a.resolvedAt() == null) {
            n.putNull("resolved_at");
        } else {
            n.put("resolved_at", a.resolvedAt());
        }
        n.put("summary", a.summary());
        n.put("observed", a.observed());
        n.put("threshold", a.threshold());
        n.put("severity", a.severity().label());
        n.put("incident_id", a.incidentId());
        n.put("flaps", a.flaps());
        return n;
    }

    /**
     * One incident of the report: its first alert as it fired (what it said then, its severity), resolved when its
     * last alert resolved (null while that one is active), with the number of times it fired again.
     */
    public static ObjectNode incident(List<AlertEvent> alertsOfIncident) {
        AlertEvent first = alertsOfIncident.get(0);
        AlertEvent last = alertsOfIncident.get(alertsOfIncident.size() - 1);
        ObjectNode n = Json.object();
        n.put("incident_id", first.incidentId());
        n.put("type", first.type().name());
        n.put("severity", first.severity().label());
        n.put("campaign_id", first.campaignId());
        if (first.itemId() == null) {
            n.putNull("item_id");
        } else {
            n.put("item_id", first.itemId());
        }
        if (first.channel() != null) {
            n.put("channel", first.channel());
        }
        n.put("fired_at", first.firedAt());
        if (last.resolvedAt() == null) {
            n.putNull("resolved_at");
        } else {
            n.put("resolved_at", last.resolvedAt());
        }
        n.put("flaps", alertsOfIncident.size() - 1);
        n.put("summary", first.summary());
        n.put("observed", first.observed());
        n.put("threshold", first.threshold());
        return n;
    }

    public static ObjectNode rejected(RejectedRecord r) {
        ObjectNode n = Json.object();
        n.put("stream", r.stream());
        n.put("origin", r.origin());
        n.put("reason", r.reason().code());
        n.put("detail", r.detail());
        n.put("payload", r.payload());
        if (r.payloadBase64() != null) {
            n.put("payload_base64", r.payloadBase64());
        }
        if (r.redaction() != null) {
            n.put("payload_redaction", r.redaction().code());
        }
        if (r.payloadHmac() != null) {
            n.put("payload_hmac", r.payloadHmac());
        }
        return n;
    }

    /** Ratios are written with six decimals, rounded half-up, so reports are stable and readable. */
    public static BigDecimal ratio(double value) {
        return BigDecimal.valueOf(value).setScale(6, RoundingMode.HALF_UP);
    }
}
