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
 * The JSON of each event of contract v1, as the sale's producers write it. The warehouse writes {@code ts} as
 * ISO-8601 with the sale's offset; clicks, carts and orders as epoch milliseconds, except a given share of them,
 * chosen by a hash of the record's id and time, which use ISO-8601 too (both forms are valid and the monitor must
 * take either).
 */
final class EventJson {
    private final DateTimeFormatter isoWithOffset;
    private final double isoTimestampShare;
    private final long seed;

    EventJson(ZoneOffset offset) {
        this(offset, 0, 0);
    }

    EventJson(ZoneOffset offset, double isoTimestampShare, long seed) {
        this.isoWithOffset = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSXXX").withZone(offset);
        this.isoTimestampShare = isoTimestampShare;
        this.seed = seed;
    }

    private void putTs(ObjectNode n, String id, long ts) {
        if (isoDraw(id, ts) < isoTimestampShare) {
            n.put("ts", isoWithOffset.format(Instant.ofEpochMilli(ts)));
        } else {
            n.put("ts", ts);
        }
    }

    /**
     * A uniform draw in {@code [0, 1)} that depends only on the seed, the record's id and its time, so the
     * generator's random sequence, and with it the sale, is the same whatever the share.
     */
    private double isoDraw(String id, long ts) {
        long h = seed * 0x9E3779B97F4A7C15L + ts;
        for (int i = 0; i < id.length(); i++) {
            h = (h ^ id.charAt(i)) * 0x100000001B3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return (h >>> 11) * 0x1p-53;
    }

    /** @param channel null to leave the field out */
    byte[] click(String eventId, long ts, String userId, String itemId, String channel) {
        ObjectNode n = Json.object();
        n.put("event_id", eventId);
        putTs(n, eventId, ts);
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
        putTs(n, eventId, ts);
        n.put("user_id", userId);
        n.put("item_id", itemId);
        n.put("quantity", quantity);
        return Json.toBytes(n);
    }

    byte[] order(PendingOrder order, OrderStatus status, long ts, List<PendingOrder.Line> lines) {
        ObjectNode n = Json.object();
        n.put("order_id", order.orderId());
        putTs(n, order.orderId(), ts);
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
