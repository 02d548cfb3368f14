package io.warroom.functions;

import io.warroom.config.CampaignTimeline;
import io.warroom.config.MonitorSettings;
import io.warroom.model.AlertEvent;
import io.warroom.model.Severity;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Joins the alerts of one subject (keyed by {@link AlertEvent#subjectKey}: campaign, type, item or channel) into
 * incidents (docs/alerts.md, "Incidents"). An alert that fires less than {@link #HOLD_BACK} of event time after the
 * subject's last one resolved continues that incident: same {@code incident_id} (its first alert's id), same
 * severity, one more flap. Every change passes through, stamped with its incident; the raw transitions stay as they
 * were. The state of a subject is dropped once the hold-back after its last resolve has passed, or, for an alert
 * still active, when its campaign's state is released (end plus retention; campaigns the job started with, whose end
 * cannot change while it runs).
 */
public final class AlertIncidentFunction extends KeyedProcessFunction<String, AlertEvent, AlertEvent> {
    /** How long after a resolve a re-fire is the same incident; paging holds resolves back as long. */
    public static final Duration HOLD_BACK = Duration.ofMinutes(5);

    private final CampaignTimeline campaigns;
    private final MonitorSettings settings;

    private transient ValueState<IncidentState> state;

    public AlertIncidentFunction(CampaignTimeline campaigns, MonitorSettings settings) {
        this.campaigns = campaigns;
        this.settings = settings;
    }

    @Override
    public void open(OpenContext openContext) {
        state = getRuntimeContext().getState(new ValueStateDescriptor<>("incident", IncidentState.class));
    }

    @Override
    public void processElement(AlertEvent alert, Context ctx, Collector<AlertEvent> out) throws Exception {
        IncidentState st = state.value();
        if (alert.state() == AlertEvent.State.FIRED) {
            if (st != null && !st.active && alert.firedAt() < st.lastResolvedAt + HOLD_BACK.toMillis()) {
                st.flaps++;
                ctx.timerService().deleteEventTimeTimer(st.lastResolvedAt + HOLD_BACK.toMillis());
            } else {
                st = new IncidentState();
                st.incidentId = alert.id();
                st.severity = alert.severity().name();
            }
            st.active = true;
            long release = releaseTime(alert.campaignId());
            if (release != Long.MAX_VALUE) {
                ctx.timerService().registerEventTimeTimer(release);
            }
        } else {
            if (st == null) {
                // Its fire was released with the campaign's state, or came before warroom knew incidents.
                out.collect(alert);
                return;
            }
            long resolvedAt = alert.resolvedAt() == null ? alert.firedAt() : alert.resolvedAt();
            st.active = false;
            st.lastResolvedAt = resolvedAt;
            ctx.timerService().registerEventTimeTimer(resolvedAt + HOLD_BACK.toMillis());
        }
        state.update(st);
        out.collect(alert.inIncident(st.incidentId, Severity.valueOf(st.severity), st.flaps));
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<AlertEvent> out) throws Exception {
        IncidentState st = state.value();
        if (st == null) {
            return;
        }
        long release = releaseTime(campaignOf(ctx.getCurrentKey()));
        boolean heldBackLongEnough = !st.active && timestamp >= st.lastResolvedAt + HOLD_BACK.toMillis();
        if (heldBackLongEnough || timestamp >= release) {
            state.clear();
            if (release != Long.MAX_VALUE && timestamp < release) {
                ctx.timerService().deleteEventTimeTimer(release);
            }
        }
    }

    /** When the campaign's state is released; never for a campaign the job did not start with (added by a push). */
    private long releaseTime(String campaignId) {
        return campaigns.knows(campaignId)
                ? settings.releaseTime(campaigns.inForce(campaignId, Long.MAX_VALUE).end()) : Long.MAX_VALUE;
    }

    /** The campaign of a subject key ({@link AlertEvent#subjectKey}). */
    private static String campaignOf(String subjectKey) {
        return subjectKey.substring(0, subjectKey.indexOf('|'));
    }
}
