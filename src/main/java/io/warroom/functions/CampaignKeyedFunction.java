package io.warroom.functions;

import io.warroom.config.CampaignTimeline;
import io.warroom.model.CampaignUpdate;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * A keyed function that works with the campaigns: it applies every campaign update from the control input to its
 * broadcast state ({@link LiveCampaigns}) and reads the campaigns through {@link #timeline}.
 *
 * <p>An element of a campaign this operator does not know yet waits in keyed state and is retried on a short
 * processing-time timer: a campaign added by an update reaches each operator on its own broadcast channel, and the
 * first signals of the new campaign (opened by the router, which learns of it first) may arrive before it.
 *
 * <p>Subclasses read event time through {@link #eventTime}, never from the timer service: it does not fall back
 * after a restore ({@link EventTimeFloor}).
 */
public abstract class CampaignKeyedFunction<K, IN, OUT>
        extends KeyedBroadcastProcessFunction<K, IN, CampaignUpdate, OUT> implements CheckpointedFunction {
    private static final long RETRY_MILLIS = 100;

    private final LiveCampaigns campaigns;
    private final Class<IN> elementType;
    private transient ListState<IN> waiting;
    private final EventTimeFloor eventTime = new EventTimeFloor();

    protected CampaignKeyedFunction(CampaignTimeline campaigns, Class<IN> elementType) {
        this.campaigns = new LiveCampaigns(campaigns);
        this.elementType = elementType;
    }

    /** The campaign an element belongs to; null when it does not depend on one. */
    protected abstract String campaignOf(IN element);

    /** Processes an element whose campaign this operator knows. */
    protected abstract void process(IN element, ReadOnlyContext ctx, Collector<OUT> out) throws Exception;

    /** A timer of the function's own. */
    protected abstract void onFunctionTimer(long timestamp, OnTimerContext ctx, Collector<OUT> out)
            throws Exception;

    @Override
    public final void processBroadcastElement(CampaignUpdate update, Context ctx, Collector<OUT> out)
            throws Exception {
        eventTime.now(ctx.currentWatermark());
        campaigns.apply(update, ctx.getBroadcastState(LiveCampaigns.UPDATES));
    }

    @Override
    public final void processElement(IN element, ReadOnlyContext ctx, Collector<OUT> out) throws Exception {
        eventTime(ctx); // the floor takes in the watermark before anything is decided
        String campaignId = campaignOf(element);
        if (campaignId != null && !timeline(ctx).knows(campaignId)) {
            waiting().add(element);
            ctx.timerService().registerProcessingTimeTimer(ctx.timerService().currentProcessingTime() + RETRY_MILLIS);
            return;
        }
        process(element, ctx, out);
    }

    @Override
    public final void onTimer(long timestamp, OnTimerContext ctx, Collector<OUT> out) throws Exception {
        eventTime(ctx); // the floor takes in the watermark before anything is decided
        if (ctx.timeDomain() == TimeDomain.PROCESSING_TIME) {
            retryWaiting(ctx, out);
        }
        onFunctionTimer(timestamp, ctx, out);
    }

    /**
     * The event time of this operator: its watermark, but never behind the event time it acted on before a
     * restore. Every decision that depends on event time (late, passed, released) reads it here.
     */
    protected final long eventTime(ReadOnlyContext ctx) {
        return eventTime.now(ctx.timerService().currentWatermark());
    }

    @Override
    public final void initializeState(FunctionInitializationContext context) throws Exception {
        eventTime.initialize(context);
        initializeOperatorState(context);
    }

    @Override
    public final void snapshotState(FunctionSnapshotContext context) throws Exception {
        eventTime.snapshot();
        snapshotOperatorState(context);
    }

    /** Registers and restores the function's own operator state, if it keeps any; called before {@code open}. */
    protected void initializeOperatorState(FunctionInitializationContext context) throws Exception {}

    /** Writes the function's own operator state into a checkpoint, on the task's thread. */
    protected void snapshotOperatorState(FunctionSnapshotContext context) throws Exception {}

    /** The campaigns as this operator knows them now. */
    protected final CampaignTimeline timeline(ReadOnlyContext ctx) throws Exception {
        return campaigns.timeline(ctx);
    }

    private void retryWaiting(OnTimerContext ctx, Collector<OUT> out) throws Exception {
        Iterable<IN> pending = waiting().get();
        if (pending == null || !pending.iterator().hasNext()) {
            return;
        }
        List<IN> stillWaiting = new ArrayList<>();
        List<IN> ready = new ArrayList<>();
        for (IN element : pending) {
            (timeline(ctx).knows(campaignOf(element)) ? ready : stillWaiting).add(element);
        }
        waiting().update(stillWaiting);
        if (!stillWaiting.isEmpty()) {
            ctx.timerService().registerProcessingTimeTimer(ctx.timerService().currentProcessingTime() + RETRY_MILLIS);
        }
        for (IN element : ready) {
            process(element, ctx, out);
        }
    }

    private ListState<IN> waiting() {
        if (waiting == null) {
            waiting = getRuntimeContext().getListState(
                    new ListStateDescriptor<>("waiting-for-campaign", TypeInformation.of(elementType)));
        }
        return waiting;
    }
}
