package io.warroom.generator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.warroom.model.OrderStatus;
import io.warroom.serde.Json;
import io.warroom.serde.Money;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * The JSON of each event of contract v1, as the sale's producers write it. Clicks, carts and orders carry
 * {@code ts} as epoch milliseconds; the warehouse writes ISO-8601 with the sale's offset (both forms are valid and
 * the monitor must take either).
 */
final class EventJson {
    private final DateTimeFormatter isoWithOffset;

    EventJson(ZoneOffset offset) {
        this.isoWithOffset = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSXXX").withZone(offset);
    }

    /** @param channel null to leave the field out */
    byte[] click(String eventId, long ts, String userId, String itemId, String channel) {
        ObjectNode n = Json.object();
        n.put("event_id", eventId);
        n.put("ts", ts);
        n.put("user_id", userId);
        n.put("item_id", itemId);
        if (channel != null) {
            n.put("channel", channel);
        }
        return Json.toBytes(n);
    }

    byte[] cart(String eventId, long ts, String userId, String itemId, long quantity) {
        ObjectNode n = Json.object();
        n.put("event_id", eventId);
        n.put("ts", ts);
        n.put("user_id", userId);
        n.put("item_id", itemId);
        n.put("quantity", quantity);
        return Json.toBytes(n);
    }

    byte[] order(PendingOrder order, OrderStatus status, long ts, List<PendingOrder.Line> lines) {
        ObjectNode n = Json.object();
        n.put("order_id", order.orderId());
        n.put("ts", ts);
        n.put("user_id", order.userId());
        n.put("status", status.wireName());
        ArrayNode array = n.putArray("lines");
        for (PendingOrder.Line line : lines) {
            ObjectNode l = array.addObject();
            l.put("item_id", line.itemId());
            l.put("quantity", line.quantity());
            if (order.priceAsNumber()) {
                l.put("unit_price", BigDecimal.valueOf(line.unitPriceCents(), 2));
            } else {
                l.put("unit_price", Money.format(line.unitPriceCents()));
            }
        }
        return Json.toBytes(n);
    }

    byte[] inventory(long ts, String itemId, long stock) {
        ObjectNode n = Json.object();
        n.put("ts", isoWithOffset.format(Instant.ofEpochMilli(ts)));
        n.put("item_id", itemId);
        n.put("stock", stock);
        return Json.toBytes(n);
    }
}
