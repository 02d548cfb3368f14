package io.warroom.functions;

import io.warroom.model.CartEvent;
import io.warroom.model.ClickEvent;
import io.warroom.model.InputRecord;
import io.warroom.model.RejectReason;
import io.warroom.model.RejectedRecord;
import io.warroom.model.StreamKind;
import io.warroom.model.TrafficSignal;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * First step of every input record, chained to its source so that records are split by kind before they cross
 * the network: clicks and carts go straight to their traffic shard as {@link TrafficSignal}s (the bulk of the
 * input skips the router), orders and inventory go to {@link #ROUTED} for the {@link InputRouter}, and rejected
 * records to {@link #REJECTED}. Counts every record by stream: accepted, late (at or behind this source's
 * watermark) and rejected by reason.
 *
 * <p>It also tells each click and cart how far behind its input it is: the highest {@code ts} of the accepted records
 * read before it from this source task (in a replay, its file, which one task reads in order) that may move event
 * time ({@link EventTimeReach}), minus its own. That depends only on the input's order, not on how the inputs
 * interleave, so a campaign's dedup horizon drops the same events in every run (docs/metrics.md, "Late and
 * out-of-order events"). It starts afresh after a restore, where the traffic shards' own event time guards what they
 * have forgotten.
 */
public final class InputSplitter extends ProcessFunction<InputRecord, TrafficSignal> {
    public static final OutputTag<RejectedRecord> REJECTED = new OutputTag<>("rejected-input") {};
    public static final OutputTag<InputRecord> ROUTED = new OutputTag<>("orders-and-inventory") {};

    private final int trafficShardCount;
    private final EventTimeReach reach;
    private transient TrafficShards trafficShards;
    private transient Counter[] accepted;
    private transient Counter[] late;
    private transient Counter[][] rejected;
    private transient long highestTs;

    public InputSplitter(int trafficShardCount, EventTimeReach reach) {
        this.trafficShardCount = trafficShardCount;
        this.reach = reach;
    }

    @Override
    public void open(OpenContext openContext) {
        highestTs = Long.MIN_VALUE;
        trafficShards = new TrafficShards(trafficShardCount,
                getRuntimeContext().getTaskInfo().getMaxNumberOfParallelSubtasks());
        MetricGroup warroom = getRuntimeContext().getMetricGroup().addGroup("warroom");
        accepted = StreamCounters.perStream(warroom, "events_accepted");
        late = StreamCounters.perStream(warroom, "events_late");
        rejected = new Counter[StreamKind.values().length][RejectReason.values().length];
        for (StreamKind stream : StreamKind.values()) {
            for (RejectReason reason : RejectReason.values()) {
                rejected[stream.ordinal()][reason.ordinal()] = StreamCounters.group(warroom, stream)
                        .addGroup("reason", reason.code()).counter("events_rejected");
            }
        }
    }

    @Override
    public void processElement(InputRecord record, Context ctx, Collector<TrafficSignal> out) {
        if (record.rejected() != null) {
            RejectedRecord r = record.rejected();
            rejected[StreamKind.fromName(r.stream()).ordinal()][r.reason().ordinal()].inc();
            ctx.output(REJECTED, r);
            return;
        }
        int stream = record.stream().ordinal();
        accepted[stream].inc();
        if (record.eventTime() <= ctx.timerService().currentWatermark()) {
            late[stream].inc();
        }
        long behind = highestTs > record.eventTime() ? highestTs - record.eventTime() : 0;
        if (record.eventTime() > highestTs && reach.movesTime(record.eventTime())) {
            highestTs = record.eventTime();
        }
        if (record.click() != null) {
            ClickEvent e = record.click();
            out.collect(new TrafficSignal(false, trafficShards.shardKey(e.eventId()), e.ts(), e.eventId(),
                    e.userId(), e.itemId(), e.channel(), behind));
        } else if (record.cart() != null) {
            CartEvent e = record.cart();
            out.collect(new TrafficSignal(true, trafficShards.shardKey(e.eventId()), e.ts(), e.eventId(),
                    e.userId(), e.itemId(), null, behind));
        } else {
            ctx.output(ROUTED, record);
        }
    }
}
