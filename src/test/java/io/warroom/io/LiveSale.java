package io.warroom.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A seeded sale as it arrives on the four input topics, for {@link KafkaEndToEndIT}: clicks with exact duplicates,
 * carts, multi-line orders through created, paid, cancelled and refunded, an inventory snapshot, scripted orders
 * that sell one item out, and malformed records. Arrival order is shuffled by at most 3 s of event time, below the
 * pipeline's 5 s bound, so nothing is late.
 *
 * <p>The expected numbers are a plain loop over the records as sent; they do not reuse any pipeline code.
 */
final class LiveSale {
    static final String CAMPAIGN = "e2e-live";
    static final String HOT_ITEM = "sku-hot";
    static final String TARGET_ITEM = "sku-goal";
    static final long HOT_STOCK = 40;
    static final long HOT_SAFETY_STOCK = 10;
    static final long MINUTE = 60_000L;
    static final String CLICKS = "clicks";
    static final String CARTS = "carts";
    static final String ORDERS = "orders";
    static final String INVENTORY = "inventory";
    static final int INPUT_PARTITIONS = 2;

    /** When a record is sent: before the injected failure, around it, or as the tail that moves event time on. */
    enum Phase { BEFORE_FAILURE, AROUND_FAILURE, TAIL }

    record Line(String itemId, long quantity, long unitPriceCents) {
        long amountCents() {
            return quantity * unitPriceCents;
        }
    }

    sealed interface Event permits Click, Cart, Order, Snapshot {
        long ts();
    }

    record Click(String eventId, long ts, String userId, String itemId, String channel) implements Event {}

    record Cart(String eventId, long ts, String userId, String itemId, long quantity) implements Event {}

    record Order(String orderId, long ts, String userId, String status, List<Line> lines) implements Event {}

    record Snapshot(long ts, String itemId, long stock) implements Event {}

    /**
     * One record as sent. {@code event} is null for a malformed record, which carries the reject reason it must
     * get instead; {@code partition} is null unless the record must land on a given partition.
     */
    record Outgoing(Phase phase, String topic, Integer partition, String key, String value, long arrival, Event event,
            String rejectReason) {}

    record Totals(long gmvCents, long orders, long pv, long refundedCents, long gmvBeforeCheckpointCents) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] CHANNELS = {"app", "web", null};

    final long start;
    final long end;
    final long checkpoint;
    /** Records arriving (in event time) from here on are held back until the failure is armed. */
    final long failureBoundary;
    final long tailTs;
    private final List<Outgoing> outgoing = new ArrayList<>();
    private final Random random;

    private LiveSale(long start, long seed) {
        this.start = start;
        this.end = start + 60 * MINUTE;
        this.checkpoint = start + 20 * MINUTE;
        this.failureBoundary = start + 12 * MINUTE;
        this.tailTs = start + 40 * MINUTE;
        this.random = new Random(seed);
    }

    static LiveSale generate(long start, long seed) {
        LiveSale sale = new LiveSale(start, seed);
        sale.build();
        return sale;
    }

    /** The campaign file: one pacing checkpoint mid-sale, one item with stock, one with its own gmv target. */
    String campaignYaml() {
        return String.join("\n",
                "campaign_id: " + CAMPAIGN,
                "name: Kafka end-to-end sale",
                "start: \"" + Instant.ofEpochMilli(start) + "\"",
                "end: \"" + Instant.ofEpochMilli(end) + "\"",
                // Far out of reach, so the campaign and the target item are behind at the checkpoint.
                "gmv_target: \"10000000.00\"",
                "shortfall_tolerance: 0.10",
                "pacing:",
                "  - { at: \"" + Instant.ofEpochMilli(checkpoint) + "\", share: 0.5 }",
                "items:",
                "  - { item_id: " + HOT_ITEM + ", stock: " + HOT_STOCK + ", safety_stock: " + HOT_SAFETY_STOCK + " }",
                "  - { item_id: " + TARGET_ITEM + ", gmv_target: \"1000000.00\" }",
                "");
    }

    /** The records of one phase in arrival order. */
    List<Outgoing> phase(Phase phase) {
        return outgoing.stream()
                .filter(o -> o.phase() == phase)
                .sorted(Comparator.comparingLong(Outgoing::arrival))
                .toList();
    }

    List<Outgoing> malformed() {
        return outgoing.stream().filter(o -> o.event() == null).toList();
    }

    Totals expectedTotals() {
        return totals(o -> true);
    }

    Totals expectedTotals(Phase phase) {
        return totals(o -> o.phase() == phase);
    }

    /**
     * The contract's campaign numbers: clicks deduplicated by event_id, order events by (order_id, status); gmv and
     * orders over each order's first paid event; refunded over the first refunded event of an order paid at or
     * before it.
     */
    private Totals totals(Predicate<Outgoing> included) {
        Set<String> clicks = new HashSet<>();
        Map<String, Order> firstByOrderAndStatus = new LinkedHashMap<>();
        for (Outgoing o : outgoing) {
            if (!included.test(o)) {
                continue;
            }
            if (o.event() instanceof Click c && inWindow(c.ts())) {
                clicks.add(c.eventId());
            } else if (o.event() instanceof Order order) {
                firstByOrderAndStatus.putIfAbsent(order.orderId() + "|" + order.status(), order);
            }
        }
        long gmv = 0;
        long orders = 0;
        long refunded = 0;
        long gmvBeforeCheckpoint = 0;
        for (Order order : firstByOrderAndStatus.values()) {
            if (!inWindow(order.ts())) {
                continue;
            }
            if (order.status().equals("paid")) {
                orders++;
                gmv += amount(order);
                if (order.ts() < checkpoint) {
                    gmvBeforeCheckpoint += amount(order);
                }
            } else if (order.status().equals("refunded")) {
                Order paid = firstByOrderAndStatus.get(order.orderId() + "|paid");
                if (paid != null && paid.ts() <= order.ts()) {
                    refunded += amount(order);
                }
            }
        }
        return new Totals(gmv, orders, clicks.size(), refunded, gmvBeforeCheckpoint);
    }

    /**
     * The item's stock once event time has passed {@code horizon}: the configured stock, replaced by snapshots, less
     * what each order's first created-or-paid event reserves, plus what a cancellation of a still unpaid order
     * releases. At one instant a snapshot comes before reservations and releases.
     */
    long expectedStock(String itemId, Long configuredStock, long horizon) {
        Map<String, Order> first = new LinkedHashMap<>();
        record Change(long ts, int rank, boolean replaces, long amount) {}
        List<Change> changes = new ArrayList<>();
        if (configuredStock != null) {
            changes.add(new Change(start, 0, true, configuredStock));
        }
        for (Outgoing o : outgoing) {
            if (o.event() instanceof Snapshot s && s.itemId().equals(itemId)) {
                changes.add(new Change(s.ts(), 1, true, s.stock()));
            } else if (o.event() instanceof Order order) {
                first.putIfAbsent(order.orderId() + "|" + order.status(), order);
            }
        }
        Map<String, List<Order>> byOrder = new HashMap<>();
        first.values().forEach(order -> byOrder.computeIfAbsent(order.orderId(), k -> new ArrayList<>()).add(order));
        for (List<Order> events : byOrder.values()) {
            Order reserving = events.stream()
                    .filter(e -> e.status().equals("created") || e.status().equals("paid"))
                    .min(Comparator.comparingLong(Order::ts).thenComparing(e -> e.status().equals("paid")))
                    .orElse(null);
            if (reserving == null) {
                continue;
            }
            long quantity = quantityOf(reserving, itemId);
            changes.add(new Change(reserving.ts(), 2, false, -quantity));
            Order cancelled = find(events, "cancelled");
            Order paid = find(events, "paid");
            if (cancelled != null && reserving.ts() <= cancelled.ts()
                    && (paid == null || paid.ts() > cancelled.ts())) {
                changes.add(new Change(cancelled.ts(), 3, false, quantity));
            }
        }
        changes.sort(Comparator.comparingLong(Change::ts).thenComparingInt(Change::rank));
        long stock = 0;
        for (Change change : changes) {
            if (change.ts() > horizon) {
                break;
            }
            stock = change.replaces() ? change.amount() : stock + change.amount();
        }
        return stock;
    }

    private static Order find(List<Order> events, String status) {
        return events.stream().filter(e -> e.status().equals(status)).findFirst().orElse(null);
    }

    private static long quantityOf(Order order, String itemId) {
        return order.lines().stream().filter(l -> l.itemId().equals(itemId)).mapToLong(Line::quantity).sum();
    }

    private boolean inWindow(long ts) {
        return ts >= start && ts < end;
    }

    private static long amount(Order order) {
        return order.lines().stream().mapToLong(Line::amountCents).sum();
    }

    private void build() {
        String[] clickItems = {"sku-0", "sku-1", "sku-2", "sku-3", "sku-4", HOT_ITEM, TARGET_ITEM};
        for (int i = 0; i < 180; i++) {
            long ts = start + i * 10_000L + random.nextInt(10_000);
            Click c = new Click("c-" + i, ts, user(), clickItems[random.nextInt(clickItems.length)],
                    CHANNELS[random.nextInt(CHANNELS.length)]);
            send(CLICKS, c.userId(), clickJson(c), c, i % 7 == 3);
        }
        for (int i = 0; i < 40; i++) {
            long ts = start + i * 45_000L + random.nextInt(30_000);
            Cart c = new Cart("k-" + i, ts, user(), clickItems[random.nextInt(clickItems.length)],
                    1 + random.nextInt(3));
            send(CARTS, c.userId(), cartJson(c), c, i % 9 == 4);
        }
        for (int i = 0; i < 50; i++) {
            bulkOrder(i);
        }
        long snapshotTs = start + 10 * MINUTE;
        snapshot(new Snapshot(snapshotTs, HOT_ITEM, 30));
        snapshot(new Snapshot(snapshotTs, "sku-0", 100));
        snapshot(new Snapshot(snapshotTs + 500, "sku-1", 100));
        hotOrders();
        malformedRecords();
        tail();
    }

    private void bulkOrder(int i) {
        String[] orderItems = {"sku-0", "sku-1", "sku-2", "sku-3", "sku-4", TARGET_ITEM};
        String orderId = "o-" + i;
        String user = user();
        long created = start + i * 36_000L + random.nextInt(30_000);
        List<Line> lines = new ArrayList<>();
        int lineCount = 1 + random.nextInt(3);
        for (int l = 0; l < lineCount; l++) {
            // An item on two lines happens in real orders; the order must still count once.
            String item = l > 0 && random.nextInt(10) == 0 ? lines.get(0).itemId()
                    : orderItems[random.nextInt(orderItems.length)];
            lines.add(new Line(item, 1 + random.nextInt(3), 100 + random.nextInt(20_000)));
        }
        order(new Order(orderId, created, user, "created", lines), false);
        double fate = random.nextDouble();
        boolean paid = fate < 0.7;
        if (paid) {
            // Instant payment puts created and paid on the same millisecond now and then.
            long paidTs = i % 11 == 0 ? created : created + random.nextInt(60_000);
            order(new Order(orderId, paidTs, user, "paid", lines), random.nextInt(8) == 0);
            if (random.nextInt(5) == 0) {
                List<Line> refundLines = random.nextBoolean() ? lines : List.of(lines.get(0));
                order(new Order(orderId, paidTs + 1_000 + random.nextInt(90_000), user, "refunded", refundLines),
                        random.nextInt(3) == 0);
            } else if (random.nextInt(12) == 0) {
                // Cancelled after payment: nothing is released and the sale still counts.
                order(new Order(orderId, paidTs + 1_000 + random.nextInt(60_000), user, "cancelled", lines), false);
            }
        } else if (fate < 0.9) {
            order(new Order(orderId, created + 1_000 + random.nextInt(60_000), user, "cancelled", lines),
                    random.nextInt(4) == 0);
        }
        if (!paid && i % 5 == 2) {
            // A refund of an order never paid must not count.
            order(new Order(orderId, created + 90_000, user, "refunded", lines), false);
        }
    }

    /** Sells the stocked item out after the snapshot, with one cancellation releasing stock in between. */
    private void hotOrders() {
        long price = 1990;
        for (int k = 1; k <= 4; k++) {
            long created = start + 13 * MINUTE + k * 30_000L;
            List<Line> lines = k == 2
                    ? List.of(new Line(HOT_ITEM, 5, price), new Line("sku-0", 1, 500))
                    : List.of(new Line(HOT_ITEM, 5, price));
            order(new Order("h-" + k, created, "u-hot-" + k, "created", lines), false);
            order(new Order("h-" + k, created + 10_000, "u-hot-" + k, "paid", lines), k == 3);
        }
        List<Line> five = List.of(new Line(HOT_ITEM, 5, price));
        order(new Order("h-5", start + 15 * MINUTE, "u-hot-5", "created", five), false);
        order(new Order("h-5", start + 24 * MINUTE, "u-hot-5", "cancelled", five), false);
        for (int k = 6; k <= 8; k++) {
            long created = start + 16 * MINUTE + k * 40_000L;
            order(new Order("h-" + k, created, "u-hot-" + k, "created", five), false);
            order(new Order("h-" + k, created + 5_000, "u-hot-" + k, "paid", five), false);
        }
        // Paid without a created event: the paid event reserves.
        order(new Order("h-9", start + 26 * MINUTE, "u-hot-9", "paid", five), false);
        order(new Order("h-2", start + 27 * MINUTE, "u-hot-2", "refunded", five), true);
    }

    private void malformedRecords() {
        reject(CLICKS, start + MINUTE, "{\"event_id\":\"bad-1\",\"ts\":", "malformed_json");
        reject(INVENTORY, start + 2 * MINUTE, "{\"ts\":" + (start + 2 * MINUTE) + ",\"item_id\":\"sku-0\"}",
                "missing_field");
        reject(CLICKS, start + 5 * MINUTE, "{\"event_id\":\"bad-3\",\"ts\":" + (start + 5 * MINUTE)
                + ",\"item_id\":\"sku-1\"}", "missing_field");
        reject(ORDERS, start + 14 * MINUTE, "not json at all", "malformed_json");
        reject(CARTS, start + 18 * MINUTE, "{\"event_id\":\"bad-5\",\"user_id\":", "malformed_json");
        reject(ORDERS, start + 20 * MINUTE, "{\"order_id\":\"bad-6\",\"ts\":" + (start + 20 * MINUTE)
                + ",\"user_id\":\"u-1\",\"status\":\"paid\"}", "missing_field");
    }

    /**
     * One later record on every input partition: watermarks are per partition, so each must move past the pacing
     * checkpoint and the last stock change and refund for them to be applied.
     */
    private void tail() {
        for (int p = 0; p < INPUT_PARTITIONS; p++) {
            Click click = new Click("t-click-" + p, tailTs, "u-tail", "sku-0", "app");
            add(Phase.TAIL, CLICKS, p, click.userId(), clickJson(click), tailTs, click);
            Cart cart = new Cart("t-cart-" + p, tailTs, "u-tail", "sku-0", 1);
            add(Phase.TAIL, CARTS, p, cart.userId(), cartJson(cart), tailTs, cart);
            Order order = new Order("t-order-" + p, tailTs, "u-tail", "created", List.of(new Line("sku-4", 1, 100)));
            add(Phase.TAIL, ORDERS, p, order.orderId(), orderJson(order), tailTs, order);
            Snapshot snapshot = new Snapshot(tailTs, "sku-tail", 1000);
            add(Phase.TAIL, INVENTORY, p, snapshot.itemId(), snapshotJson(snapshot), tailTs, snapshot);
        }
    }

    private void order(Order order, boolean duplicate) {
        send(ORDERS, order.orderId(), orderJson(order), order, duplicate);
    }

    private void snapshot(Snapshot snapshot) {
        send(INVENTORY, snapshot.itemId(), snapshotJson(snapshot), snapshot, false);
    }

    /** Sends an event, and an exact copy of it a little later when {@code duplicate}, as an at-least-once feed does. */
    private void send(String topic, String key, String json, Event event, boolean duplicate) {
        long ts = event.ts();
        long arrival = ts + random.nextInt(2_000);
        add(phaseOf(arrival), topic, null, key, json, arrival, event);
        if (duplicate) {
            long again = ts + random.nextInt(3_000);
            add(phaseOf(again), topic, null, key, json, again, event);
        }
    }

    private void reject(String topic, long arrival, String payload, String reason) {
        outgoing.add(new Outgoing(phaseOf(arrival), topic, null, "bad", payload, arrival, null, reason));
    }

    private void add(Phase phase, String topic, Integer partition, String key, String json, long arrival,
            Event event) {
        outgoing.add(new Outgoing(phase, topic, partition, key, json, arrival, event, null));
    }

    private Phase phaseOf(long arrival) {
        return arrival < failureBoundary ? Phase.BEFORE_FAILURE : Phase.AROUND_FAILURE;
    }

    private String user() {
        return "u-" + random.nextInt(40);
    }

    private static String clickJson(Click c) {
        ObjectNode n = JSON.createObjectNode()
                .put("event_id", c.eventId())
                .put("ts", c.ts())
                .put("user_id", c.userId())
                .put("item_id", c.itemId());
        if (c.channel() != null) {
            n.put("channel", c.channel());
        }
        return n.toString();
    }

    private static String cartJson(Cart c) {
        return JSON.createObjectNode()
                .put("event_id", c.eventId())
                // The contract also takes ISO-8601 with an offset.
                .put("ts", Instant.ofEpochMilli(c.ts()).toString())
                .put("user_id", c.userId())
                .put("item_id", c.itemId())
                .put("quantity", c.quantity())
                .toString();
    }

    private String orderJson(Order o) {
        ObjectNode n = JSON.createObjectNode()
                .put("order_id", o.orderId())
                .put("ts", o.ts())
                .put("user_id", o.userId())
                .put("status", o.status());
        ArrayNode lines = n.putArray("lines");
        for (Line line : o.lines()) {
            ObjectNode l = lines.addObject().put("item_id", line.itemId()).put("quantity", line.quantity());
            BigDecimal price = BigDecimal.valueOf(line.unitPriceCents(), 2);
            // Feeds send prices both as strings and as JSON numbers; both must stay exact.
            if (line.unitPriceCents() % 2 == 0) {
                l.put("unit_price", price.toPlainString());
            } else {
                l.put("unit_price", price);
            }
        }
        return n.toString();
    }

    private static String snapshotJson(Snapshot s) {
        return JSON.createObjectNode().put("ts", s.ts()).put("item_id", s.itemId()).put("stock", s.stock())
                .toString();
    }

    /** Whether a committed campaign record shows these totals. */
    static boolean shows(JsonNode campaign, long gmvCents, long orders, long pv) {
        return campaign.path("gmv").asText().equals(money(gmvCents))
                && campaign.path("orders").asLong() == orders
                && campaign.path("pv").asLong() == pv;
    }

    /** Cents as the output writes money: two decimals. */
    static String money(long cents) {
        return BigDecimal.valueOf(cents, 2).toPlainString();
    }
}
