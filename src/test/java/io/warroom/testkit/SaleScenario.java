package io.warroom.testkit;

import io.warroom.model.CartEvent;
import io.warroom.model.ClickEvent;
import io.warroom.model.InventoryEvent;
import io.warroom.model.OrderEvent;
import io.warroom.model.OrderLine;
import io.warroom.model.OrderStatus;
import io.warroom.model.StreamKind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;

/**
 * A small, seeded sale for tests: the valid events it intends (what the metrics are defined over) and the raw
 * lines of the four streams as a real feed would carry them: exact duplicates, arrival order shuffled within a
 * bound, and malformed records. The reference computation reads the intended events; the pipeline reads the lines.
 */
public final class SaleScenario {
    /** 2026-11-11T00:00:00+08:00. */
    public static final long START = 1794326400000L;

    public static final long MINUTE = 60_000L;
    /** Arrival order is shuffled by at most this much event time (below the pipeline's 5 s default bound). */
    public static final long MAX_DISORDER_MILLIS = 3_000L;

    public final List<ClickEvent> clicks = new ArrayList<>();
    public final List<CartEvent> carts = new ArrayList<>();
    public final List<OrderEvent> orders = new ArrayList<>();
    public final List<InventoryEvent> inventory = new ArrayList<>();
    /** Expected rejects by reason code. */
    public final Map<String, Long> rejectedByReason = new TreeMap<>();

    private final java.util.Set<String> orderStatuses = new java.util.HashSet<>();
    private final Map<StreamKind, List<TimedLine>> lines = new EnumMap<>(StreamKind.class);
    private final Random random;

    private record TimedLine(long arrivalKey, byte[] bytes) {}

    /** A valid click or cart as written, copies included, with where it lands in its file. */
    private record Sent<E>(long arrivalKey, E event) {}

    private final List<Sent<ClickEvent>> sentClicks = new ArrayList<>();
    private final List<Sent<CartEvent>> sentCarts = new ArrayList<>();

    private SaleScenario(long seed) {
        this.random = new Random(seed);
        for (StreamKind kind : StreamKind.values()) {
            lines.put(kind, new ArrayList<>());
        }
    }

    /**
     * A sale from 5 minutes before {@link #START} to two hours after it.
     *
     * @param scale roughly the number of clicks / 10
     */
    public static SaleScenario generate(long seed, int scale) {
        SaleScenario s = new SaleScenario(seed);
        s.build(scale);
        return s;
    }

    /**
     * An empty sale for a test to build event by event with {@link #click}, {@link #paidOrder} and
     * {@link #inventory}: the events are exactly the ones added, and their lines still carry the feed's duplicates
     * and disorder within {@link #MAX_DISORDER_MILLIS}.
     */
    public static SaleScenario constructed(long seed) {
        return new SaleScenario(seed);
    }

    /** A click; a null channel is left out of the record, and then counts as "unknown". */
    public SaleScenario click(String eventId, long ts, String userId, String itemId, String channel) {
        addClick(new ClickEvent(eventId, ts, userId, itemId, channel == null ? "unknown" : channel), channel == null);
        return this;
    }

    /** An order created at {@code created} and paid at {@code paid} (created reserves stock, paid counts). */
    public SaleScenario paidOrder(String orderId, long created, long paid, String userId, OrderLine... lines) {
        addOrder(new OrderEvent(orderId, created, userId, OrderStatus.CREATED, lines));
        addOrder(new OrderEvent(orderId, paid, userId, OrderStatus.PAID, lines));
        return this;
    }

    /** A warehouse stock snapshot. */
    public SaleScenario inventory(long ts, String itemId, long stock) {
        addInventory(new InventoryEvent(ts, itemId, stock));
        return this;
    }

    private void build(int scale) {
        int users = 30 * scale;
        int items = 200;
        long from = START - 5 * MINUTE;
        long to = START + 120 * MINUTE;
        String[] channels = {"app", "web", "mini-program", null};
        for (int i = 0; i < 10 * scale; i++) {
            long ts = between(from, to);
            String channel = channels[random.nextInt(channels.length)];
            addClick(new ClickEvent("c-" + i, ts, user(users), item(items), channel == null ? "unknown" : channel),
                    channel == null);
        }
        for (int i = 0; i < 2 * scale; i++) {
            long ts = between(from, to);
            carts.add(new CartEvent("k-" + i, ts, user(users), item(items), 1 + random.nextInt(3)));
            CartEvent c = carts.get(carts.size() - 1);
            for (long arrival : emit(StreamKind.CART, ts, String.format(
                    "{\"event_id\":\"%s\",\"ts\":%d,\"user_id\":\"%s\",\"item_id\":\"%s\",\"quantity\":%d}",
                    c.eventId(), c.ts(), c.userId(), c.itemId(), c.quantity()))) {
                sentCarts.add(new Sent<>(arrival, c));
            }
        }
        for (int i = 0; i < (3 * scale) / 2; i++) {
            order("o-" + i, between(from, to), user(users), items);
        }
        for (long t = START; t < to; t += 20 * MINUTE) {
            for (int k = 0; k < 20; k++) {
                long ts = t + random.nextInt(60_000);
                addInventory(new InventoryEvent(ts, "sku-" + k, random.nextInt(120)));
            }
        }
        addMalformed(Math.max(5, scale / 10));
    }

    private void order(String orderId, long created, String userId, int items) {
        int lineCount = 1 + random.nextInt(3);
        OrderLine[] lines = new OrderLine[lineCount];
        for (int l = 0; l < lineCount; l++) {
            // Repeating an item on two lines happens in real orders; the order must still count once per item.
            String itemId = l > 0 && random.nextInt(10) == 0 ? lines[0].itemId() : item(items);
            lines[l] = new OrderLine(itemId, 1 + random.nextInt(3), 100 + random.nextInt(50_000));
        }
        boolean skipCreated = random.nextInt(20) == 0;
        if (!skipCreated) {
            addOrder(new OrderEvent(orderId, created, userId, OrderStatus.CREATED, lines));
        }
        double fate = random.nextDouble();
        if (fate < 0.75 || skipCreated) {
            // Same-millisecond created and paid happens with instant payment; ties must resolve created first.
            long paid = random.nextInt(15) == 0 ? created : created + random.nextInt(120_000);
            addOrder(new OrderEvent(orderId, paid, userId, OrderStatus.PAID, lines));
            if (random.nextInt(8) == 0) {
                OrderLine[] refundLines = random.nextBoolean() ? lines : new OrderLine[] {lines[0]};
                addOrder(new OrderEvent(orderId, paid + random.nextInt(1_800_000), userId, OrderStatus.REFUNDED,
                        refundLines));
            }
            if (random.nextInt(30) == 0) {
                addOrder(new OrderEvent(orderId, paid + random.nextInt(600_000), userId, OrderStatus.CANCELLED,
                        lines));
            }
        } else if (fate < 0.95) {
            addOrder(new OrderEvent(orderId, created + random.nextInt(900_000), userId, OrderStatus.CANCELLED,
                    lines));
        }
        if (random.nextInt(40) == 0) {
            // A refund for an order that was never paid must not count.
            addOrder(new OrderEvent(orderId, created + 1_000, userId, OrderStatus.REFUNDED, lines));
        }
    }

    private void addClick(ClickEvent c, boolean omitChannel) {
        clicks.add(c);
        for (long arrival : emit(StreamKind.CLICK, c.ts(), clickJson(c, omitChannel))) {
            sentClicks.add(new Sent<>(arrival, c));
        }
    }

    private void addInventory(InventoryEvent e) {
        inventory.add(e);
        emit(StreamKind.INVENTORY, e.ts(), String.format("{\"ts\":\"%s\",\"item_id\":\"%s\",\"stock\":%d}",
                java.time.Instant.ofEpochMilli(e.ts()).atOffset(java.time.ZoneOffset.ofHours(8)), e.itemId(),
                e.stock()));
    }

    private void addOrder(OrderEvent e) {
        if (!orderStatuses.add(e.orderId() + '/' + e.status())) {
            return;
        }
        orders.add(e);
        StringBuilder json = new StringBuilder();
        json.append(String.format("{\"order_id\":\"%s\",\"ts\":%d,\"user_id\":\"%s\",\"status\":\"%s\",\"lines\":[",
                e.orderId(), e.ts(), e.userId(), e.status().wireName()));
        for (int i = 0; i < e.lines().length; i++) {
            OrderLine line = e.lines()[i];
            String price = BigDecimal.valueOf(line.unitPriceCents(), 2).toPlainString();
            // Prices come as strings and as JSON numbers in real feeds; both must be exact.
            String priceJson = random.nextBoolean() ? "\"" + price + "\"" : price;
            json.append(i > 0 ? "," : "").append(String.format(
                    "{\"item_id\":\"%s\",\"quantity\":%d,\"unit_price\":%s}", line.itemId(), line.quantity(),
                    priceJson));
        }
        json.append("],\"note\":\"unknown fields are ignored\"}");
        emit(StreamKind.ORDER, e.ts(), json.toString());
    }

    private static String clickJson(ClickEvent c, boolean omitChannel) {
        return String.format("{\"event_id\":\"%s\",\"ts\":%d,\"user_id\":\"%s\",\"item_id\":\"%s\"%s}",
                c.eventId(), c.ts(), c.userId(), c.itemId(),
                omitChannel ? "" : ",\"channel\":\"" + c.channel() + "\"");
    }

    private void addMalformed(int count) {
        for (int i = 0; i < count; i++) {
            long ts = between(START, START + 60 * MINUTE);
            switch (i % 5) {
                case 0 -> reject(StreamKind.CLICK, ts, "{\"event_id\":\"bad-" + i + "\",\"ts\":", "malformed_json");
                case 1 -> reject(StreamKind.CLICK, ts,
                        "{\"event_id\":\"bad-" + i + "\",\"ts\":" + ts + ",\"item_id\":\"sku-1\"}", "missing_field");
                case 2 -> reject(StreamKind.ORDER, ts, "{\"order_id\":\"bad-" + i + "\",\"ts\":" + ts
                        + ",\"user_id\":\"u-1\",\"status\":\"shipped\",\"lines\":[{\"item_id\":\"sku-1\","
                        + "\"quantity\":1,\"unit_price\":\"1.00\"}]}", "invalid_value");
                case 3 -> reject(StreamKind.CART, ts, "{\"event_id\":\"bad-" + i + "\",\"ts\":" + ts
                        + ",\"user_id\":\"u-1\",\"item_id\":\"sku-1\",\"quantity\":\"2\"}", "wrong_type");
                default -> {
                    byte[] bytes = ("{\"event_id\":\"bad-" + i + "\",\"ts\":" + ts
                            + ",\"user_id\":\"u-\",\"item_id\":\"sku-1\"}").getBytes(StandardCharsets.UTF_8);
                    bytes[bytes.length - 20] = (byte) 0xC3;
                    bytes[bytes.length - 19] = (byte) 0x28;
                    lines.get(StreamKind.CLICK).add(new TimedLine(ts, bytes));
                    rejectedByReason.merge("invalid_utf8", 1L, Long::sum);
                }
            }
        }
    }

    private void reject(StreamKind stream, long ts, String line, String reason) {
        lines.get(stream).add(new TimedLine(ts, line.getBytes(StandardCharsets.UTF_8)));
        rejectedByReason.merge(reason, 1L, Long::sum);
    }

    /**
     * Adds a line, and now and then an exact duplicate of it, as an at-least-once producer does; returns where each
     * copy lands in the file (its arrival key).
     */
    private long[] emit(StreamKind stream, long ts, String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        long arrival = ts + random.nextInt((int) MAX_DISORDER_MILLIS);
        lines.get(stream).add(new TimedLine(arrival, bytes));
        if (random.nextInt(25) == 0) {
            long copy = ts + random.nextInt((int) MAX_DISORDER_MILLIS);
            lines.get(stream).add(new TimedLine(copy, bytes));
            return new long[] {arrival, copy};
        }
        return new long[] {arrival};
    }

    /** The valid clicks in the order of the written file, copies included: the order the too-late rule reads. */
    public List<ClickEvent> clicksAsWritten() {
        return asWritten(sentClicks);
    }

    /** The valid carts in the order of the written file, copies included. */
    public List<CartEvent> cartsAsWritten() {
        return asWritten(sentCarts);
    }

    /** Sorted like {@link #writeTo} sorts the lines (a stable sort, so equal keys keep the order they were added). */
    private static <E> List<E> asWritten(List<Sent<E>> sent) {
        List<Sent<E>> ordered = new ArrayList<>(sent);
        ordered.sort(Comparator.comparingLong(Sent::arrivalKey));
        return ordered.stream().map(Sent::event).toList();
    }

    private long between(long from, long to) {
        return from + (long) (random.nextDouble() * (to - from));
    }

    private String user(int users) {
        return "u-" + random.nextInt(users);
    }

    /** Skewed popularity: a few items get most of the traffic. */
    private String item(int items) {
        double u = random.nextDouble();
        return "sku-" + (int) (items * u * u * u);
    }

    /** Writes the four files in arrival order; {@code gzipOrders} writes orders as {@code orders.jsonl.gz}. */
    public void writeTo(Path folder, boolean gzipOrders) throws IOException {
        Files.createDirectories(folder);
        for (Map.Entry<StreamKind, List<TimedLine>> entry : lines.entrySet()) {
            List<TimedLine> ordered = new ArrayList<>(entry.getValue());
            ordered.sort(Comparator.comparingLong(TimedLine::arrivalKey));
            ByteArrayOutputStream content = new ByteArrayOutputStream();
            for (TimedLine line : ordered) {
                content.write(line.bytes());
                content.write('\n');
            }
            boolean gzip = gzipOrders && entry.getKey() == StreamKind.ORDER;
            Path file = folder.resolve(entry.getKey().defaultName() + (gzip ? ".jsonl.gz" : ".jsonl"));
            try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(file))
                    : Files.newOutputStream(file)) {
                content.writeTo(out);
            }
        }
    }

    public long rejectedTotal() {
        return rejectedByReason.values().stream().mapToLong(Long::longValue).sum();
    }
}
