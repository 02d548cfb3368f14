package io.warroom.functions;

import static io.warroom.testkit.TestTimes.at;
import static io.warroom.testkit.TestTimes.seconds;
import static org.assertj.core.api.Assertions.assertThat;

import io.warroom.model.CartEvent;
import io.warroom.model.ClickEvent;
import io.warroom.model.InputRecord;
import io.warroom.model.InventoryEvent;
import io.warroom.model.OrderEvent;
import io.warroom.model.OrderLine;
import io.warroom.model.OrderStatus;
import io.warroom.model.RejectReason;
import io.warroom.model.RejectedRecord;
import io.warroom.model.TrafficSignal;
import io.warroom.testkit.RecordedMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The first step behind each source: clicks and carts become {@link TrafficSignal}s keyed to their traffic shard,
 * orders and inventory go on to the router, rejected records to the dead letters; each record is counted by stream,
 * as a reporter sees the counters ({@link RecordedMetrics}).
 */
class InputSplitterTest {
    private static final int SHARDS = 8;
    /** The default max parallelism of the job: shard keys carry a salt that places them in key groups of it. */
    private static final int MAX_PARALLELISM = 128;
    private static final long TS = at("2026-11-11T10:05:00Z");
    /** A replay whose last campaign is released at 01:00 on 2026-11-12 (UTC). */
    private static final EventTimeReach REACH = EventTimeReach.replay(at("2026-11-12T01:00:00Z"));

    private final RecordedMetrics metrics = new RecordedMetrics();
    private OneInputStreamOperatorTestHarness<InputRecord, TrafficSignal> harness;

    @BeforeEach
    void setUp() throws Exception {
        MockEnvironment environment = new MockEnvironmentBuilder()
                .setTaskName("split input")
                .setMaxParallelism(MAX_PARALLELISM)
                .setMetricGroup(metrics.taskGroup())
                .build();
        harness = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new InputSplitter(SHARDS, REACH)),
                environment);
        harness.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    @Test
    void aClickBecomesATrafficSignalKeyedToTheShardOfItsEventId() throws Exception {
        TrafficShards placement = new TrafficShards(SHARDS, MAX_PARALLELISM);
        Set<Integer> shardsReached = new TreeSet<>();
        for (int i = 0; i < 100; i++) {
            String eventId = "evt-" + i;
            push(new ClickEvent(eventId, TS + i, "u" + i, "sku-" + i, "app"));

            TrafficSignal signal = lastSignal();
            int shard = TrafficShards.shardOf(eventId, SHARDS);
            assertThat(signal).isEqualTo(new TrafficSignal(false, signal.shardKey(), TS + i, eventId, "u" + i,
                    "sku-" + i, "app", 0));
            assertThat(TrafficShards.shardOfKey(signal.shardKey(), SHARDS)).as("shard of %s", eventId)
                    .isEqualTo(shard);
            // The key the shard is placed by for this task's max parallelism, as every splitter computes it.
            assertThat(signal.shardKey()).isEqualTo(placement.shardKey(eventId));
            shardsReached.add(shard);
        }
        assertThat(shardsReached).hasSize(SHARDS);
        assertThat(routed()).isEmpty();
        assertThat(rejected()).isEmpty();
        assertThat(metrics.count("events_accepted", "stream", "clicks")).isEqualTo(100);
    }

    @Test
    void eachClickAndCartIsToldHowFarBehindTheHighestEventTimeBeforeItItIs() throws Exception {
        push(new ClickEvent("e1", TS, "u1", "sku-1", "app"));
        assertThat(lastSignal().behindMillis()).isZero();
        push(new ClickEvent("e2", TS + 10_000, "u1", "sku-1", "app"));
        assertThat(lastSignal().behindMillis()).isZero();
        push(new CartEvent("k1", TS + 4_000, "u1", "sku-1", 1));
        assertThat(lastSignal().behindMillis()).isEqualTo(6_000);
        push(new ClickEvent("e3", TS + 7_000, "u1", "sku-1", "app"));
        assertThat(lastSignal().behindMillis()).as("still behind e2, the highest").isEqualTo(3_000);
    }

    /** A record that may not move event time (EventTimeReach) does not raise the highest ts either. */
    @Test
    void aRecordAfterTheLastReleaseDoesNotRaiseTheHighestEventTime() throws Exception {
        push(new ClickEvent("e1", TS, "u1", "sku-1", "app"));
        push(new ClickEvent("poison", at("2286-11-20T17:46:39Z"), "u1", "sku-1", "app"));
        assertThat(lastSignal().behindMillis()).isZero();
        push(new ClickEvent("e2", TS + 1_000, "u1", "sku-1", "app"));
        assertThat(lastSignal().behindMillis()).as("measured from e1, not from the poison").isZero();
        push(new ClickEvent("after", at("2026-11-12T01:00:00Z"), "u1", "sku-1", "app"));
        push(new ClickEvent("e3", TS, "u1", "sku-1", "app"));
        assertThat(lastSignal().behindMillis()).as("the last instant of the retention moves time")
                .isEqualTo(at("2026-11-12T01:00:00Z") - TS);
    }

    @Test
    void aCartBecomesATrafficSignalWithoutAChannel() throws Exception {
        push(new CartEvent("k1", TS, "u1", "sku-1", 3));

        TrafficSignal signal = lastSignal();
        assertThat(signal).isEqualTo(new TrafficSignal(true, signal.shardKey(), TS, "k1", "u1", "sku-1", null, 0));
        assertThat(TrafficShards.shardOfKey(signal.shardKey(), SHARDS))
                .isEqualTo(TrafficShards.shardOf("k1", SHARDS));
        assertThat(metrics.count("events_accepted", "stream", "carts")).isEqualTo(1);
        assertThat(metrics.count("events_accepted", "stream", "clicks")).isZero();
    }

    @Test
    void ordersAndInventoryGoToTheRouterUnchanged() throws Exception {
        InputRecord order = InputRecord.of(new OrderEvent("o1", TS, "u1", OrderStatus.PAID,
                new OrderLine[] {new OrderLine("sku-1", 2, 1_990)}));
        InputRecord inventory = InputRecord.of(new InventoryEvent(TS, "sku-1", 40));

        harness.processElement(order, TS);
        harness.processElement(inventory, TS);

        // Equal, not the same: the harness copies what it collects (the job hands the same object on).
        assertThat(routed()).usingRecursiveFieldByFieldElementComparator().containsExactly(order, inventory);
        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(rejected()).isEmpty();
        assertThat(metrics.count("events_accepted", "stream", "orders")).isEqualTo(1);
        assertThat(metrics.count("events_accepted", "stream", "inventory")).isEqualTo(1);
    }

    @Test
    void aRejectedRecordGoesToTheDeadLettersCountedByStreamAndReason() throws Exception {
        RejectedRecord malformed = new RejectedRecord("carts", "carts/0@17", RejectReason.MALFORMED_JSON,
                "unexpected end of input", "{\"event_id\":", null);

        harness.processElement(InputRecord.of(malformed), Long.MIN_VALUE);

        assertThat(rejected()).containsExactly(malformed);
        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(routed()).isEmpty();
        assertThat(metrics.count("events_rejected", "stream", "carts", "reason", "malformed_json")).isEqualTo(1);
        assertThat(metrics.count("events_rejected", "stream", "clicks", "reason", "malformed_json")).isZero();
        assertThat(metrics.count("events_rejected", "stream", "carts", "reason", "missing_field")).isZero();
        assertThat(metrics.count("events_accepted", "stream", "carts")).isZero();
    }

    @Test
    void aRecordAtOrBehindTheWatermarkCountsAsLateAndStillGoesOn() throws Exception {
        harness.processWatermark(TS);

        push(new ClickEvent("e1", TS - seconds(1), "u1", "sku-1", "app"));
        push(new ClickEvent("e2", TS, "u1", "sku-1", "app"));
        push(new ClickEvent("e3", TS + 1, "u1", "sku-1", "app"));
        push(new CartEvent("k1", TS, "u1", "sku-1", 1));
        harness.processElement(InputRecord.of(new InventoryEvent(TS + 1, "sku-1", 40)), TS + 1);

        // Late is only counted: late events still count in their campaigns until those are released.
        assertThat(harness.extractOutputValues()).extracting(TrafficSignal::eventId)
                .containsExactly("e1", "e2", "e3", "k1");
        assertThat(routed()).hasSize(1);
        assertThat(metrics.count("events_late", "stream", "clicks")).isEqualTo(2);
        assertThat(metrics.count("events_accepted", "stream", "clicks")).isEqualTo(3);
        assertThat(metrics.count("events_late", "stream", "carts")).isEqualTo(1);
        assertThat(metrics.count("events_late", "stream", "inventory")).isZero();
    }

    @Test
    void nothingIsLateBeforeTheFirstWatermark() throws Exception {
        push(new ClickEvent("e1", 0, "u1", "sku-1", "app"));

        assertThat(metrics.count("events_late", "stream", "clicks")).isZero();
        assertThat(metrics.count("events_accepted", "stream", "clicks")).isEqualTo(1);
    }

    private void push(ClickEvent click) throws Exception {
        harness.processElement(InputRecord.of(click), click.ts());
    }

    private void push(CartEvent cart) throws Exception {
        harness.processElement(InputRecord.of(cart), cart.ts());
    }

    private TrafficSignal lastSignal() {
        List<TrafficSignal> signals = harness.extractOutputValues();
        assertThat(signals).isNotEmpty();
        return signals.get(signals.size() - 1);
    }

    private List<InputRecord> routed() {
        return sideOutput(InputSplitter.ROUTED);
    }

    private List<RejectedRecord> rejected() {
        return sideOutput(InputSplitter.REJECTED);
    }

    private <T> List<T> sideOutput(OutputTag<T> tag) {
        List<T> values = new ArrayList<>();
        var records = harness.getSideOutput(tag);
        if (records != null) {
            for (StreamRecord<T> record : records) {
                values.add(record.getValue());
            }
        }
        return values;
    }
}
