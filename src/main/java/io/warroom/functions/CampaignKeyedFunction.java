package io.warroom.functions;

import io.warroom.config.CampaignTimeline;
import io.warroom.model.CampaignUpdate;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * A keyed function that works with the campaigns: it applies every campaign update from the control input to its
 * broadcast state ({@link LiveCampaigns}) and reads the campaigns through {@link #timeline}.
 */
public abstract class CampaignKeyedFunction<IN, OUT>
        extends KeyedBroadcastProcessFunction<String, IN, CampaignUpdate, OUT> {
    private final LiveCampaigns campaigns;

    protected CampaignKeyedFunction(CampaignTimeline campaigns) {
        this.campaigns = new LiveCampaigns(campaigns);
    }

    @Override
    public final void processBroadcastElement(CampaignUpdate update, Context ctx, Collector<OUT> out)
            throws Exception {
        campaigns.apply(update, ctx.getBroadcastState(LiveCampaigns.UPDATES));
    }

    /** The campaigns as this operator knows them now. */
    protected final CampaignTimeline timeline(ReadOnlyContext ctx) throws Exception {
        return campaigns.timeline(ctx.getBroadcastState(LiveCampaigns.UPDATES));
    }
}
