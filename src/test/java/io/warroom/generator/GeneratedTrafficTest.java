package io.warroom.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.warroom.model.ClickEvent;
import io.warroom.model.InputRecord;
import io.warroom.model.InventoryEvent;
import io.warroom.model.OrderEvent;
import io.warroom.model.OrderStatus;
import io.warroom.model.StreamKind;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The properties of a generated sale, measured on its output files the way the monitor reads them: popularity,
 * funnel, users and channels, and each kind of dirt at the rate it was asked for.
 */
class GeneratedTrafficTest {
    private static final DirtSettings DIRT = DirtSettings.of(0.03, 3_000, 0.01, 0.01);

    @TempDir
    static Path folder;

    private static GeneratedSale sale;
    private static Map<StreamKind, List<byte[]>> lines;
    private static Map<StreamKind, List<InputRecord>> parsed;
    /** Valid records, each distinct line once (re-sends removed). */
    private static Map<StreamKind, List<InputRecord>> events;

    @BeforeAll
    static void generate() throws Exception {
        sale = GeneratedSale.generate(GeneratedSale.small(7, DIRT), folder, false);
        lines = new HashMap<>();
        parsed = new HashMap<>();
        events = new HashMap<>();
        for (StreamKind stream : StreamKind.values()) {
            List<byte[]> streamLines = sale.lines(stream);
            List<InputRecord> records = sale.parsed(stream);
            lines.put(stream, streamLines);
            parsed.put(stream, records);
            Set<ByteBuffer> seen = new HashSet<>();
            List<InputRecord> distinct = new ArrayList<>();
            for (int i = 0; i < streamLines.size(); i++) {
                if (records.get(i).rejected() == null && seen.add(ByteBuffer.wrap(streamLines.get(i)))) {
                    distinct.add(records.get(i));
                }
            }
            events.put(stream, distinct);
        }
    }

    @Test
    void hitItemsTakeTheirShareOfClicks() {
        List<ClickEvent> clicks = clicks();
        Set<String> hits = Set.copyOf(sale.generator.hitItemIds());
        long onHits = clicks.stream().filter(c -> hits.contains(c.itemId())).count();

        assertThat(hits).hasSize(2);
        assertThat((double) onHits / clicks.size()).isCloseTo(0.3, within(0.015));
    }

    @Test
    void popularityIsZipfSkewed() {
        Set<String> hits = Set.copyOf(sale.generator.hitItemIds());
        Map<String, Long> byItem = clicks().stream()
                .filter(c -> !hits.contains(c.itemId()))
                .collect(Collectors.groupingBy(ClickEvent::itemId, Collectors.counting()));
        List<Long> counts = byItem.values().stream().sorted(Comparator.reverseOrder()).toList();
        long regularClicks = counts.stream().mapToLong(Long::longValue).sum();
        int onePercent = (sale.settings.items() - sale.settings.hitItems()) / 100;
        long top = counts.stream().limit(onePercent).mapToLong(Long::longValue).sum();

        // Zipf 1.1 over 1998 items gives the top 19 about 54% of clicks; uniform would give them 1%.
        assertThat((double) top / regularClicks).isBetween(0.45, 0.65);
        assertThat(counts.get(0)).isGreaterThan(10 * counts.get(counts.size() / 2));
    }

    @Test
    void usersReturnWithinAndAcrossSessions() {
        Map<String, Long> byUser = clicks().stream()
                .collect(Collectors.groupingBy(ClickEvent::userId, Collectors.counting()));
        long repeaters = byUser.values().stream().filter(n -> n > 1).count();

        assertThat(byUser.size()).isLessThan(clicks().size() / 3);
        assertThat((double) repeaters / byUser.size()).isGreaterThan(0.5);
        assertThat(byUser.values().stream().mapToLong(Long::longValue).max().orElseThrow())
                .isGreaterThan(50);
    }

    @Test
    void everyChannelShowsUpAndSomeClicksHaveNone() {
        Map<String, Long> byChannel = clicks().stream()
                .collect(Collectors.groupingBy(ClickEvent::channel, Collectors.counting()));

        assertThat(byChannel).containsOnlyKeys("app", "mini-program", "web", "live-stream", "unknown");
        assertThat((double) byChannel.get("app") / clicks().size()).isCloseTo(0.5, within(0.03));
        assertThat((double) byChannel.get("unknown") / clicks().size()).isCloseTo(0.04, within(0.015));
    }

    @Test
    void funnelRatiosAreSane() {
        Map<OrderStatus, Long> byStatus = orders().stream()
                .collect(Collectors.groupingBy(OrderEvent::status, Collectors.counting()));
        double clicks = clicks().size();
        double carts = events.get(StreamKind.CART).size();
        double created = byStatus.get(OrderStatus.CREATED);
        double paid = byStatus.get(OrderStatus.PAID);

        assertThat(carts / clicks).isBetween(0.08, 0.20);
        assertThat(created / carts).isBetween(0.3, 0.6);
        // Orders created in the last minutes are still unpaid when the recording stops.
        assertThat(paid / created).isBetween(0.65, 0.95);
        // Cancellations (30 s to 15 min after creation) and refunds (3 to 30 min after payment) are rare in five
        // minutes; the 30-minute default shows about 10% and 2%.
        assertThat(byStatus.get(OrderStatus.CANCELLED)).isPositive();
        assertThat(byStatus.get(OrderStatus.CANCELLED) / created).isLessThan(0.2);
        assertThat(byStatus.get(OrderStatus.REFUNDED)).isPositive();
        assertThat(byStatus.get(OrderStatus.REFUNDED) / paid).isLessThan(0.05);
        assertThat(orders().stream().filter(o -> o.status() == OrderStatus.CREATED && o.lines().length > 1).count()
                / created).isBetween(0.01, 0.5);
        assertThat(clicks).isEqualTo(sale.summary.sale().clicks());
        assertThat(paid).isEqualTo(sale.summary.sale().ordersPaid());
    }

    @Test
    void everyOrderChangeFollowsItsCreation() {
        Map<String, Long> createdAt = new HashMap<>();
        for (OrderEvent o : orders()) {
            if (o.status() == OrderStatus.CREATED) {
                assertThat(createdAt.put(o.orderId(), o.ts())).as("created twice: %s", o.orderId()).isNull();
            }
        }
        for (OrderEvent o : orders()) {
            assertThat(createdAt).containsKey(o.orderId());
            assertThat(o.ts()).isGreaterThanOrEqualTo(createdAt.get(o.orderId()));
        }
    }

    @Test
    void summaryPaidGmvIsExactlyTheFilesPaidGmv() {
        Set<String> paid = new HashSet<>();
        long gmv = 0;
        for (OrderEvent o : orders()) {
            if (o.status() == OrderStatus.PAID && paid.add(o.orderId())) {
                gmv += o.amountCents();
            }
        }

        assertThat(gmv).isEqualTo(sale.summary.sale().paidGmvCents()).isPositive();
    }

    @Test
    void everyEventLiesInTheSimulatedPeriod() {
        for (List<InputRecord> stream : events.values()) {
            for (InputRecord r : stream) {
                assertThat(r.eventTime()).isBetween(sale.settings.startMillis(), sale.settings.endMillis() - 1);
            }
        }
    }

    @Test
    void inventoryReportsEveryWatchedItemAndNeverGoesNegative() {
        List<InventoryEvent> snapshots = events.get(StreamKind.INVENTORY).stream()
                .map(InputRecord::inventory)
                .toList();
        Set<String> reported = snapshots.stream().map(InventoryEvent::itemId).collect(Collectors.toSet());

        assertThat(reported).containsAll(sale.generator.hitItemIds()).hasSize(2 + StockPlan.POPULAR_WATCHED);
        assertThat(snapshots).allSatisfy(s -> assertThat(s.stock()).isNotNegative());
        String hit = sale.generator.hitItemIds().get(0);
        List<Long> hitStock = snapshots.stream().filter(s -> s.itemId().equals(hit))
                .sorted(Comparator.comparingLong(InventoryEvent::ts)).map(InventoryEvent::stock).toList();
        assertThat(hitStock.get(hitStock.size() - 1)).isLessThan(hitStock.get(0));
    }

    @Test
    void duplicatesAreExactReSendsAtTheRequestedRate() {
        long duplicates = 0;
        long distinctValid = 0;
        for (StreamKind stream : StreamKind.values()) {
            List<byte[]> streamLines = lines.get(stream);
            Set<ByteBuffer> seen = new HashSet<>();
            for (int i = 0; i < streamLines.size(); i++) {
                if (parsed.get(stream).get(i).rejected() != null) {
                    continue;
                }
                if (seen.add(ByteBuffer.wrap(streamLines.get(i)))) {
                    distinctValid++;
                } else {
                    duplicates++;
                }
            }
        }

        assertThat(duplicates).isEqualTo(sale.summary.duplicates());
        assertThat((double) duplicates / distinctValid).isCloseTo(DIRT.duplicates(), within(0.004));
    }

    @Test
    void malformedRecordsAreRejectedAtTheRequestedRateAndEverythingElseIsValid() {
        long rejected = 0;
        long valid = 0;
        for (List<InputRecord> stream : parsed.values()) {
            for (InputRecord r : stream) {
                if (r.rejected() != null) {
                    rejected++;
                } else {
                    valid++;
                }
            }
        }
        long events = valid - sale.summary.duplicates();

        assertThat(rejected).isEqualTo(sale.summary.malformed());
        assertThat((double) rejected / events).isCloseTo(DIRT.malformed(), within(0.002));
        Set<String> reasons = parsed.values().stream().flatMap(List::stream)
                .filter(r -> r.rejected() != null)
                .map(r -> r.rejected().reason().code())
                .collect(Collectors.toSet());
        assertThat(reasons).contains("invalid_utf8", "malformed_json", "not_an_object", "missing_field",
                "empty_field", "wrong_type", "invalid_value");
    }

    @Test
    void disorderStaysWithinTheBoundExceptForLateRecords() {
        for (StreamKind stream : StreamKind.values()) {
            long beyondBound = outOfBound(parsed.get(stream), DIRT.disorderMillis());

            assertThat(beyondBound).as(stream.defaultName()).isLessThanOrEqualTo(sale.summary.late(stream));
        }
        long lateClicks = sale.summary.late(StreamKind.CLICK);
        assertThat((double) lateClicks / clicks().size()).isCloseTo(DIRT.late() * (1 + DIRT.duplicates()),
                within(0.003));
        // Clicks are dense, so nearly every late click lands behind records far ahead of it.
        assertThat(outOfBound(parsed.get(StreamKind.CLICK), DIRT.disorderMillis())).isGreaterThan(lateClicks * 9 / 10);
        assertThat(outOfBound(parsed.get(StreamKind.CLICK), 0)).as("some disorder within the bound")
                .isGreaterThan(clicks().size() / 10);
    }

    /** Records whose ts is more than {@code bound} before the largest ts delivered before them. */
    static long outOfBound(List<InputRecord> records, long bound) {
        long max = Long.MIN_VALUE;
        long count = 0;
        for (InputRecord r : records) {
            if (r.rejected() != null) {
                continue;
            }
            if (max != Long.MIN_VALUE && r.eventTime() < max - bound) {
                count++;
            }
            max = Math.max(max, r.eventTime());
        }
        return count;
    }

    private static List<ClickEvent> clicks() {
        return events.get(StreamKind.CLICK).stream().map(InputRecord::click).toList();
    }

    private static List<OrderEvent> orders() {
        return events.get(StreamKind.ORDER).stream().map(InputRecord::order).toList();
    }
}
