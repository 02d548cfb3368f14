package io.warroom.functions;

import io.warroom.config.AlertThresholds;
import io.warroom.config.CampaignDefinition;
import io.warroom.config.CampaignTimeline;
import io.warroom.config.MonitorSettings;
import io.warroom.model.AlertEvent;
import io.warroom.model.AlertType;
import io.warroom.model.ConversionWindow;
import io.warroom.model.MinuteStats;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.util.Collector;

/**
 * CONVERSION_DROP of one campaign and its items (keyed by campaign_id; docs/alerts.md). Items send their counts for
 * minute boundary {@code E} while evaluating it, with time {@code E - 1}; once the watermark passes {@code E - 1}
 * all of them are here. The campaign's comparable items together are judged against their own earlier conversions,
 * and each item against its earlier conversion scaled by that trend: a payment outage is one campaign alert, not
 * one per busy item, and a change of mix (hits selling out) is neither.
 *
 * <p>While the campaign's alert is active it is evaluated at every boundary, with the items that came (none: it
 * resolves). An item's alert resolves with the window it sends after its last comparable one. Alerts still active
 * when the campaign is released (its end plus retention) stay unresolved, as elsewhere, and the state is cleared.
 */
public final class ConversionJudgeFunction extends CampaignKeyedFunction<String, ConversionWindow, AlertEvent> {
    private static final long MINUTE = MinuteStats.MINUTE_MILLIS;

    private final MonitorSettings settings;

    private transient ListState<ConversionWindow> pending;
    private transient ValueState<Long> campaignDropSince;
    private transient MapState<String, Long> itemDropSince;

    public ConversionJudgeFunction(CampaignTimeline campaigns, MonitorSettings settings) {
        super(campaigns, ConversionWindow.class);
        this.settings = settings;
    }

    @Override
    public void open(OpenContext openContext) {
        var rc = getRuntimeContext();
        pending = rc.getListState(new ListStateDescriptor<>("pending-windows", ConversionWindow.class));
        campaignDropSince = rc.getState(new ValueStateDescriptor<>("campaign-drop-since", Long.class));
        itemDropSince = rc.getMapState(new MapStateDescriptor<>("item-drop-since", String.class, Long.class));
    }

    @Override
    protected String campaignOf(ConversionWindow window) {
        return window.campaignId();
    }

    @Override
    protected void process(ConversionWindow window, ReadOnlyContext ctx, Collector<AlertEvent> out) throws Exception {
        pending.add(window);
        ctx.timerService().registerEventTimeTimer(window.boundary() - 1);
        CampaignDefinition campaign = timeline(ctx).inForce(window.campaignId(), window.boundary());
        ctx.timerService().registerEventTimeTimer(settings.releaseTime(campaign.end()));
    }

    @Override
    protected void onFunctionTimer(long timestamp, OnTimerContext ctx, Collector<AlertEvent> out) throws Exception {
        if (ctx.timeDomain() == TimeDomain.PROCESSING_TIME) {
            return;
        }
        String campaignId = ctx.getCurrentKey();
        long boundary = timestamp + 1;
        CampaignDefinition campaign = timeline(ctx).inForce(campaignId, boundary);
        if (timestamp >= settings.releaseTime(campaign.end())) {
            pending.clear();
            campaignDropSince.clear();
            itemDropSince.clear();
            return;
        }
        if (boundary % MINUTE != 0) {
            return; // a release timer of an end that has moved: nothing to judge
        }
        List<ConversionWindow> due = new ArrayList<>();
        List<ConversionWindow> later = new ArrayList<>();
        for (ConversionWindow w : pending.get()) {
            (w.boundary() <= boundary ? due : later).add(w);
        }
        pending.update(later);
        due.sort(Comparator.comparing(ConversionWindow::itemId));
        judge(boundary, campaign, due, out);
        if (campaignDropSince.value() != null && boundary + MINUTE <= campaign.end()) {
            ctx.timerService().registerEventTimeTimer(boundary + MINUTE - 1);
        }
    }

    private void judge(long boundary, CampaignDefinition campaign, List<ConversionWindow> windows,
            Collector<AlertEvent> out) throws Exception {
        AlertThresholds t = campaign.alerts();
        long orders = 0;
        BigDecimal expected = BigDecimal.ZERO;
        int comparable = 0;
        // Each comparable item's expectation, once: the campaign sums them, each item is judged against its own.
        BigDecimal[] itemExpected = new BigDecimal[windows.size()];
        for (int i = 0; i < windows.size(); i++) {
            ConversionWindow w = windows.get(i);
            if (w.comparable()) {
                itemExpected[i] = EarlyWarnings.expectedOrders(w);
                orders += w.recentOrders();
                expected = expected.add(itemExpected[i]);
                comparable++;
            }
        }
        long campaignOrders = orders;
        BigDecimal campaignExpected = expected;
        int items = comparable;
        Long since = campaignDropSince.value();
        long updated = AlertTransitions.update(since == null ? ItemState.INACTIVE : since,
                EarlyWarnings.campaignConversionDropped(t, campaignOrders, campaignExpected), boundary,
                AlertType.CONVERSION_DROP, campaign.campaignId(), null,
                () -> EarlyWarnings.describeCampaignConversion(t, campaign.campaignId(), campaignOrders,
                        campaignExpected, items),
                out::collect);
        campaignDropSince.update(updated == ItemState.INACTIVE ? null : updated);
        for (int i = 0; i < windows.size(); i++) {
            ConversionWindow w = windows.get(i);
            BigDecimal e = itemExpected[i];
            Long itemSince = itemDropSince.get(w.itemId());
            long itemUpdated = AlertTransitions.update(itemSince == null ? ItemState.INACTIVE : itemSince,
                    EarlyWarnings.itemConversionDropped(t, w, e, campaignOrders, campaignExpected), boundary,
                    AlertType.CONVERSION_DROP, campaign.campaignId(), w.itemId(),
                    () -> EarlyWarnings.describeItemConversion(t, w, e, campaignOrders, campaignExpected),
                    out::collect);
            if (itemUpdated == ItemState.INACTIVE) {
                itemDropSince.remove(w.itemId());
            } else {
                itemDropSince.put(w.itemId(), itemUpdated);
            }
        }
    }
}
