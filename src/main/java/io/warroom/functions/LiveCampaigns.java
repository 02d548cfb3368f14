package io.warroom.functions;

import io.warroom.config.CampaignConfigException;
import io.warroom.config.CampaignLoader;
import io.warroom.config.CampaignTimeline;
import io.warroom.config.CampaignVersion;
import io.warroom.model.CampaignUpdate;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.BaseBroadcastProcessFunction;

/**
 * The campaign timeline of one operator: the campaigns it was built with, plus the updates accepted from the
 * control input, which live in broadcast state (so they are checkpointed and restored) as their original text.
 * Every operator receives the same updates in the same order and decides the same way, so all agree.
 */
public final class LiveCampaigns implements Serializable {
    /** Accepted updates: {@code campaign_id@effective_from} to the update's document. */
    public static final MapStateDescriptor<String, String> UPDATES =
            new MapStateDescriptor<>("campaign-updates", Types.STRING, Types.STRING);

    private final CampaignTimeline initial;
    private transient CampaignTimeline current;

    public LiveCampaigns(CampaignTimeline initial) {
        this.initial = initial;
    }

    /** The result of an update: accepted (with the timeline before it), or rejected with the reasons. */
    public record Outcome(CampaignVersion accepted, CampaignTimeline before, String rejection) {}

    /**
     * The timeline now, for an operator's element or timer. Its broadcast state is read only to build the timeline
     * the first time: asked for every element, the context makes a new view of the state on each call.
     */
    public CampaignTimeline timeline(BaseBroadcastProcessFunction.ReadOnlyContext ctx) throws Exception {
        return current != null ? current : timeline(ctx.getBroadcastState(UPDATES));
    }

    /** The timeline now: after a restore, rebuilt from the broadcast state on first use. */
    private CampaignTimeline timeline(ReadOnlyBroadcastState<String, String> updates) throws Exception {
        if (current == null) {
            List<CampaignVersion> versions = new ArrayList<>();
            for (Map.Entry<String, String> entry : updates.immutableEntries()) {
                versions.add(CampaignLoader.parseUpdate(entry.getKey(),
                        entry.getValue().getBytes(StandardCharsets.UTF_8)));
            }
            versions.sort(Comparator.comparing((CampaignVersion v) -> v.definition().campaignId())
                    .thenComparingLong(CampaignVersion::effectiveFrom));
            current = initial.withAll(versions);
        }
        return current;
    }

    /** Validates an update and, if it is valid, applies it; an invalid one changes nothing. */
    public Outcome apply(CampaignUpdate update, BroadcastState<String, String> updates) throws Exception {
        CampaignTimeline before = timeline(updates);
        CampaignVersion version;
        try {
            version = CampaignLoader.parseUpdate(update.origin(), update.body().getBytes(StandardCharsets.UTF_8));
            current = before.with(version);
        } catch (CampaignConfigException e) {
            return new Outcome(null, before, String.join("; ", e.problems()));
        }
        updates.put(version.definition().campaignId() + "@" + version.effectiveFrom(), update.body());
        return new Outcome(version, before, null);
    }
}
