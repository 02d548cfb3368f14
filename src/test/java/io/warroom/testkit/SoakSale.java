package io.warroom.testkit;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.warroom.generator.DirtSettings;
import io.warroom.generator.Pacer;
import io.warroom.generator.ProgressReporter;
import io.warroom.generator.RecordSink;
import io.warroom.generator.SaleSettings;
import io.warroom.generator.TrafficGenerator;
import io.warroom.model.CartEvent;
import io.warroom.model.ClickEvent;
import io.warroom.model.InventoryEvent;
import io.warroom.model.OrderEvent;
import io.warroom.model.OrderLine;
import io.warroom.model.OrderStatus;
import io.warroom.model.StreamKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * A generated sale as the soak sends it: the project's traffic generator (midnight spike, funnel with payments,
 * cancellations and refunds, several channels, inventory snapshots, re-sends and disorder within the bound, no late
 * records) in arrival order, with poison records slipped in at a given rate. It also keeps the valid events, read
 * back from the generated JSON with a plain mapper of its own (not the monitor's parser), for the reference.
 */
public final class SoakSale {
    /** Arrival order is shuffled by at most this much event time, below the job's 5 s out-of-orderness bound. */
    public static final long DISORDER_MILLIS = 3_000;

    /**
     * One record to send; {@code poison} is null for a valid record, and {@code value} null for a null record.
     * {@code ts} is the event time of the valid record (of the one it was made from, for poison).
     */
    public record Outgoing(StreamKind stream, String key, byte[] value, long ts, PoisonRecord poison) {}

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    public final String campaignId;
    public final String campaignYaml;
    public final long start;
    public final long end;
    public final List<Outgoing> records;
    public final List<ClickEvent> clicks = new ArrayList<>();
    public final List<CartEvent> carts = new ArrayList<>();
    public final List<OrderEvent> orders = new ArrayList<>();
    public final List<InventoryEvent> inventory = new ArrayList<>();

    private SoakSale(String campaignId, String campaignYaml, long start, long end, List<Outgoing> records) {
        this.campaignId = campaignId;
        this.campaignYaml = campaignYaml;
        this.start = start;
        this.end = end;
        this.records = Collections.unmodifiableList(records);
        for (Outgoing o : records) {
            if (o.poison() == null) {
                read(o.stream(), o.value());
            }
        }
    }

    /**
     * A sale of {@code duration} from {@code start} (its offset is the offset of the generator's ISO timestamps).
     *
     * @param peakRate clicks per simulated second at the start, decaying to a quarter of it
     * @param poisonRate the share of poison records among all records sent
     * @param hugeRecords how many of the poison records are 5 MiB strings (they cost the broker 5 MiB each)
     */
    public static SoakSale generate(long seed, OffsetDateTime start, Duration duration, double peakRate,
            double poisonRate, int hugeRecords) {
        SaleSettings settings = new SaleSettings(seed, start, duration, peakRate, peakRate / 4,
                Duration.ofMinutes(3), 400, 2, 0.3, 4000, Duration.ofMinutes(1),
                DirtSettings.of(0.02, DISORDER_MILLIS, 0, 0));
        TrafficGenerator generator = new TrafficGenerator(settings, "soak");
        List<Outgoing> valid = new ArrayList<>();
        RecordSink sink = new RecordSink() {
            @Override
            public void write(StreamKind stream, String key, byte[] value) {
                valid.add(new Outgoing(stream, key, value, eventTime(value), null));
            }

            @Override
            public void close() {}
        };
        try {
            generator.run(sink, Pacer.unpaced(), ProgressReporter.silent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        List<Outgoing> all = withPoison(valid, poisonRate, hugeRecords, new Random(seed ^ 0x5eed));
        return new SoakSale("soak", generator.campaign().yaml(), settings.startMillis(), settings.endMillis(), all);
    }

    /**
     * Slips a poison record in before a valid one with probability {@code rate / (1 - rate)}, so poison is
     * {@code rate} of what is sent, made from that valid record (same stream and key). Kinds are drawn evenly, except
     * that exactly {@code huge} of them, spread at random, are 5 MiB strings.
     */
    private static List<Outgoing> withPoison(List<Outgoing> valid, double rate, int huge, Random random) {
        PoisonRecord[] small = Arrays.stream(PoisonRecord.values())
                .filter(p -> p != PoisonRecord.HUGE_STRING)
                .toArray(PoisonRecord[]::new);
        double perValid = rate / (1 - rate);
        List<Integer> poisonBefore = new ArrayList<>();
        for (int i = 0; i < valid.size(); i++) {
            if (random.nextDouble() < perValid) {
                poisonBefore.add(i);
            }
        }
        List<Integer> hugeSlots = new ArrayList<>(poisonBefore);
        Collections.shuffle(hugeSlots, random);
        Set<Integer> hugeAt = new HashSet<>(hugeSlots.subList(0, Math.min(huge, hugeSlots.size())));
        List<Outgoing> all = new ArrayList<>(valid.size() + poisonBefore.size());
        int next = 0;
        for (int i = 0; i < valid.size(); i++) {
            Outgoing v = valid.get(i);
            if (next < poisonBefore.size() && poisonBefore.get(next) == i) {
                next++;
                PoisonRecord kind = hugeAt.contains(i) ? PoisonRecord.HUGE_STRING : small[random.nextInt(small.length)];
                all.add(new Outgoing(v.stream(), v.key(), kind.from(v.stream(), v.value(), random), v.ts(), kind));
            }
            all.add(v);
        }
        return all;
    }

    private static long eventTime(byte[] value) {
        return ts(tree(value));
    }

    private static long ts(JsonNode n) {
        return n.get("ts").isNumber() ? n.get("ts").asLong()
                : OffsetDateTime.parse(n.get("ts").asText()).toInstant().toEpochMilli();
    }

    private static JsonNode tree(byte[] value) {
        try {
            return JSON.readTree(value);
        } catch (IOException e) {
            throw new IllegalStateException("the generator wrote invalid JSON: "
                    + new String(value, StandardCharsets.UTF_8), e);
        }
    }

    public long validCount() {
        return records.stream().filter(o -> o.poison() == null).count();
    }

    public List<Outgoing> poison() {
        return records.stream().filter(o -> o.poison() != null).toList();
    }

    /** The dead letters the poison must produce: count per {@code stream/reason}. */
    public Map<String, Long> expectedDeadLetters() {
        Map<String, Long> expected = new TreeMap<>();
        for (Outgoing o : poison()) {
            expected.merge(o.stream().defaultName() + "/" + o.poison().reason(), 1L, Long::sum);
        }
        return expected;
    }

    public Map<PoisonRecord, Long> poisonByKind() {
        Map<PoisonRecord, Long> byKind = new EnumMap<>(PoisonRecord.class);
        poison().forEach(o -> byKind.merge(o.poison(), 1L, Long::sum));
        return byKind;
    }

    /** The generated JSON, read the plain way: epoch or ISO-8601 {@code ts}, prices as exact decimals. */
    private void read(StreamKind stream, byte[] value) {
        JsonNode n = tree(value);
        long ts = ts(n);
        switch (stream) {
            case CLICK -> clicks.add(new ClickEvent(n.get("event_id").asText(), ts, n.get("user_id").asText(),
                    n.get("item_id").asText(), n.hasNonNull("channel") ? n.get("channel").asText() : "unknown"));
            case CART -> carts.add(new CartEvent(n.get("event_id").asText(), ts, n.get("user_id").asText(),
                    n.get("item_id").asText(), n.get("quantity").asLong()));
            case INVENTORY -> inventory.add(new InventoryEvent(ts, n.get("item_id").asText(), n.get("stock").asLong()));
            case ORDER -> {
                List<OrderLine> lines = new ArrayList<>();
                for (JsonNode l : n.get("lines")) {
                    BigDecimal price = l.get("unit_price").isNumber() ? l.get("unit_price").decimalValue()
                            : new BigDecimal(l.get("unit_price").asText());
                    lines.add(new OrderLine(l.get("item_id").asText(), l.get("quantity").asLong(),
                            price.movePointRight(2).longValueExact()));
                }
                orders.add(new OrderEvent(n.get("order_id").asText(), ts, n.get("user_id").asText(),
                        OrderStatus.valueOf(n.get("status").asText().toUpperCase(Locale.ROOT)),
                        lines.toArray(OrderLine[]::new)));
            }
        }
    }
}
