package io.warroom.metrics;

import io.warroom.config.CampaignTimeline;
import io.warroom.config.CampaignVersion;
import io.warroom.model.AlertEvent;
import io.warroom.model.AlertType;
import io.warroom.model.CampaignStats;
import io.warroom.model.ChannelStats;
import io.warroom.model.ItemStats;
import io.warroom.model.MinuteStats;
import io.warroom.model.MonitorOutput;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

/**
 * The business gauges of the monitor, fed with its outputs. Gauges are read by the metrics reporter's thread, so
 * each value is computed when an update arrives and published through volatile fields.
 *
 * <p>What the gauges show can be saved ({@link #view}) and shown again ({@link #restore}), so a job restored from a
 * checkpoint shows the numbers of that checkpoint at once, not zeros until the next stats arrive (which, in a
 * quiet spell, may take long).
 *
 * <p>Label sets stay bounded: campaigns come from the campaign files and accepted campaign updates, channels from
 * the pipeline's bounded channel labels, alert types are a closed set, and items are watched only when they are
 * listed in the campaign file or among the top items by gmv, up to a cap per campaign. No user id ever reaches a
 * metric.
 */
final class BusinessMetrics {
    /** Sell rates are measured over this much event time. */
    static final long SELL_RATE_WINDOW_MILLIS = 10 * 60_000L;

    private static final long MINUTE = MinuteStats.MINUTE_MILLIS;
    private static final long TOP_REFRESH_MILLIS = 1_000L;

    private final Map<String, CampaignView> campaigns = new LinkedHashMap<>();
    private final MetricGroup root;
    private final int topItems;
    private final int maxItemSeries;
    private final LongSupplier wallClock;

    BusinessMetrics(
            CampaignTimeline timeline, MetricGroup root, int topItems, int maxItemSeries, LongSupplier wallClock) {
        this.root = root;
        this.topItems = topItems;
        this.maxItemSeries = maxItemSeries;
        this.wallClock = wallClock;
        timeline.versions().forEach((campaignId, versions) -> {
            Set<String> listed = new TreeSet<>();
            for (CampaignVersion version : versions) {
                listed.addAll(version.definition().items().keySet());
            }
            campaigns.put(campaignId, new CampaignView(campaignId, listed,
                    versions.get(versions.size() - 1).definition().gmvTargetCents()));
        });
    }

    void accept(MonitorOutput output) {
        if (output.campaign() != null) {
            view(output.campaign().campaignId()).update(output.campaign());
        } else if (output.item() != null) {
            view(output.item().campaignId()).update(output.item());
        } else if (output.alert() != null) {
            view(output.alert().campaignId()).update(output.alert());
        }
    }

    /**
     * What the gauges show, as outputs that {@link #restore} turns back into the same gauges: each campaign's latest
     * stats (with the recent minutes the per-minute gauges use), each watched item's latest stats, and each active
     * alert. Items not watched are left out: they only rank items, and rank again as their stats come.
     */
    List<MonitorOutput> view() {
        List<MonitorOutput> view = new ArrayList<>();
        for (CampaignView campaign : campaigns.values()) {
            campaign.saveTo(view);
        }
        return view;
    }

    /** Shows a saved {@link #view} again; items in it are watched whatever their rank. */
    void restore(Iterable<MonitorOutput> view) {
        for (MonitorOutput output : view) {
            if (output.item() != null) {
                view(output.item().campaignId()).restore(output.item());
            } else {
                accept(output);
            }
        }
    }

    /** A campaign pushed while the job runs gets its gauges with its first output (its listed items unwatched). */
    private CampaignView view(String campaignId) {
        return campaigns.computeIfAbsent(campaignId, id -> new CampaignView(id, Set.of(), 0));
    }

    /** The gauges of one campaign, and the state they are computed from. */
    private final class CampaignView {
        private final MetricGroup group;
        private final TreeMap<Long, MinuteStats> recentMinutes = new TreeMap<>();
        private final Map<String, ItemView> items = new HashMap<>();
        private final Set<String> channels = new HashSet<>();
        private final Map<String, ChannelStats> channelValues = new ConcurrentHashMap<>();
        /** Active alerts by type and subject (item, channel, or "" for the campaign). */
        private final Map<AlertType, Map<String, AlertEvent>> activeAlerts = new EnumMap<>(AlertType.class);
        private final Map<AlertType, Integer> activeCounts = new ConcurrentHashMap<>();
        private volatile CampaignStats latest;
        private volatile MinuteStats lastCompleteMinute = new MinuteStats(0, 0, 0, 0);
        private int watchedItems;
        private long nextTopRefresh;
        private long topThresholdCents = Long.MAX_VALUE;

        CampaignView(String campaignId, Set<String> listedItems, long initialTargetCents) {
            this.group = root.addGroup("campaign", campaignId);
            longGauge("gmv_cents", () -> latest == null ? 0 : latest.gmvCents());
            longGauge("refunded_cents", () -> latest == null ? 0 : latest.refundedCents());
            longGauge("orders", () -> latest == null ? 0 : latest.orders());
            longGauge("units", () -> latest == null ? 0 : latest.units());
            longGauge("buyers", () -> latest == null ? 0 : latest.buyers());
            longGauge("uv", () -> latest == null ? 0 : latest.uv());
            longGauge("pv", () -> latest == null ? 0 : latest.pv());
            longGauge("carts", () -> latest == null ? 0 : latest.carts());
            longGauge("late_dropped", () -> latest == null ? 0 : latest.lateDropped());
            group.gauge("conversion", (Gauge<Double>) () -> latest == null ? 0.0 : latest.conversion());
            longGauge("gmv_target_cents", () -> latest == null ? initialTargetCents : latest.gmvTargetCents());
            longGauge("gmv_planned_cents", () -> latest == null ? 0 : latest.plannedGmvCents());
            longGauge("gmv_per_minute_cents", () -> lastCompleteMinute.gmvCents());
            longGauge("orders_per_minute", () -> lastCompleteMinute.orders());
            longGauge("pv_per_minute", () -> lastCompleteMinute.pv());
            longGauge("event_time", () -> latest == null ? 0 : Math.max(0, latest.watermark()));
            for (AlertType type : AlertType.values()) {
                activeAlerts.put(type, new HashMap<>());
                activeCounts.put(type, 0);
                group.addGroup("alert_type", type.name())
                        .gauge("alerts_active", (Gauge<Integer>) () -> activeCounts.get(type));
            }
            for (String itemId : listedItems) {
                watch(item(itemId));
            }
        }

        private void longGauge(String name, Gauge<Long> gauge) {
            group.gauge(name, gauge);
        }

        void update(CampaignStats stats) {
            latest = stats;
            for (MinuteStats m : stats.minutes()) {
                recentMinutes.put(m.minuteStart(), m);
            }
            long currentMinute = MinuteStats.minuteOf(stats.watermark());
            while (recentMinutes.size() > 5) {
                recentMinutes.pollFirstEntry();
            }
            MinuteStats complete = recentMinutes.get(currentMinute - MINUTE);
            lastCompleteMinute = complete != null ? complete : new MinuteStats(currentMinute - MINUTE, 0, 0, 0);
            for (ChannelStats channel : stats.channels()) {
                channelValues.put(channel.channel(), channel);
                if (channels.add(channel.channel())) {
                    MetricGroup channelGroup = group.addGroup("channel", channel.channel());
                    String name = channel.channel();
                    channelGroup.gauge("channel_uv", (Gauge<Long>) () -> channelValues.get(name).uv());
                    channelGroup.gauge("channel_pv", (Gauge<Long>) () -> channelValues.get(name).pv());
                }
            }
        }

        void update(ItemStats stats) {
            ItemView item = item(stats.itemId());
            item.update(stats);
            if (!item.watched) {
                refreshTopThreshold();
                if (stats.gmvCents() > 0 && stats.gmvCents() >= topThresholdCents) {
                    watch(item);
                }
            }
        }

        void update(AlertEvent alert) {
            Map<String, AlertEvent> active = activeAlerts.get(alert.type());
            if (alert.state() == AlertEvent.State.FIRED) {
                active.put(alert.subject(), alert);
            } else {
                active.remove(alert.subject());
            }
            activeCounts.put(alert.type(), active.size());
            if (alert.itemId() != null) {
                item(alert.itemId()).alertActive(alert.type(), alert.state() == AlertEvent.State.FIRED);
            }
        }

        void restore(ItemStats stats) {
            ItemView item = item(stats.itemId());
            item.update(stats);
            watch(item);
        }

        void saveTo(List<MonitorOutput> view) {
            CampaignStats stats = latest;
            if (stats != null) {
                view.add(MonitorOutput.of(new CampaignStats(stats.campaignId(), stats.gmvCents(),
                        stats.refundedCents(), stats.orders(), stats.units(), stats.buyers(), stats.uv(), stats.pv(),
                        stats.carts(), stats.lateDropped(), stats.watermark(), stats.gmvTargetCents(), stats.plannedGmvCents(),
                        recentMinutes.values().toArray(new MinuteStats[0]), stats.channels(), stats.pacing(),
                        stats.closed())));
            }
            for (ItemView item : items.values()) {
                if (item.watched && item.latest != null) {
                    view.add(MonitorOutput.of(item.latest));
                }
            }
            for (Map<String, AlertEvent> active : activeAlerts.values()) {
                active.values().forEach(alert -> view.add(MonitorOutput.of(alert)));
            }
        }

        private ItemView item(String itemId) {
            return items.computeIfAbsent(itemId, ItemView::new);
        }

        /** Recomputes, at most once a second, the gmv an item needs to be among the top items. */
        private void refreshTopThreshold() {
            long now = wallClock.getAsLong();
            if (now < nextTopRefresh) {
                return;
            }
            nextTopRefresh = now + TOP_REFRESH_MILLIS;
            List<Long> gmvs = new ArrayList<>(items.size());
            for (ItemView item : items.values()) {
                if (item.latest != null) {
                    gmvs.add(item.latest.gmvCents());
                }
            }
            if (gmvs.size() <= topItems) {
                topThresholdCents = 0;
                return;
            }
            gmvs.sort(null);
            topThresholdCents = gmvs.get(gmvs.size() - topItems);
        }

        private void watch(ItemView item) {
            if (item.watched || watchedItems >= maxItemSeries) {
                return;
            }
            item.watched = true;
            watchedItems++;
            MetricGroup itemGroup = group.addGroup("item", item.itemId);
            itemGroup.gauge("item_gmv_cents", (Gauge<Long>) () -> item.latest == null ? 0 : item.latest.gmvCents());
            itemGroup.gauge("item_orders", (Gauge<Long>) () -> item.latest == null ? 0 : item.latest.orders());
            itemGroup.gauge("item_units", (Gauge<Long>) () -> item.latest == null ? 0 : item.latest.units());
            itemGroup.gauge("item_uv", (Gauge<Long>) () -> item.latest == null ? 0 : item.latest.uv());
            itemGroup.gauge("item_pv", (Gauge<Long>) () -> item.latest == null ? 0 : item.latest.pv());
            itemGroup.gauge("item_carts", (Gauge<Long>) () -> item.latest == null ? 0 : item.latest.carts());
            itemGroup.gauge("item_buyers", (Gauge<Long>) () -> item.latest == null ? 0 : item.latest.buyers());
            itemGroup.gauge("item_conversion",
                    (Gauge<Double>) () -> item.latest == null ? 0.0 : item.latest.conversion());
            itemGroup.gauge("item_stock_remaining", (Gauge<Double>) () -> item.latest == null
                    || item.latest.stockRemaining() == null ? Double.NaN : item.latest.stockRemaining());
            itemGroup.gauge("item_sell_rate_per_minute", (Gauge<Double>) () -> item.sellRatePerMinute);
            itemGroup.gauge("item_minutes_to_sellout", (Gauge<Double>) () -> item.minutesToSellout);
            for (AlertType type : List.of(AlertType.STOCK_LOW, AlertType.STOCK_OUT, AlertType.OVERSOLD,
                    AlertType.ITEM_TARGET_SHORTFALL)) {
                itemGroup.addGroup("alert_type", type.name()).gauge("item_alert_active",
                        (Gauge<Integer>) () -> item.alertActive(type) ? 1 : 0);
            }
        }
    }

    /** One item's latest numbers and its recent sales, for the sell rate. */
    private static final class ItemView {
        final String itemId;
        /** Bit {@code ordinal} set while an alert of that type is active: a sale has a view for every item. */
        private volatile int activeAlerts;
        /** (event time, units sold) samples over the sell-rate window, oldest first; most items have one or two. */
        private final ArrayDeque<long[]> samples = new ArrayDeque<>(2);
        volatile ItemStats latest;
        volatile double sellRatePerMinute = Double.NaN;
        volatile double minutesToSellout = Double.NaN;
        boolean watched;

        ItemView(String itemId) {
            this.itemId = itemId;
        }

        boolean alertActive(AlertType type) {
            return (activeAlerts & (1 << type.ordinal())) != 0;
        }

        void alertActive(AlertType type, boolean active) {
            activeAlerts = active ? activeAlerts | (1 << type.ordinal()) : activeAlerts & ~(1 << type.ordinal());
        }

        void update(ItemStats stats) {
            latest = stats;
            long now = stats.watermark();
            if (samples.isEmpty() || samples.peekLast()[0] < now) {
                samples.addLast(new long[] {now, stats.units()});
            } else {
                samples.peekLast()[1] = stats.units();
            }
            // Keep one sample at or before the window's start, so the rate covers the whole window.
            while (samples.size() > 2) {
                Iterator<long[]> oldestFirst = samples.iterator();
                oldestFirst.next();
                if (oldestFirst.next()[0] > now - SELL_RATE_WINDOW_MILLIS) {
                    break;
                }
                samples.pollFirst();
            }
            long[] oldest = samples.peekFirst();
            double minutes = (now - oldest[0]) / (double) MINUTE;
            if (minutes < 1) {
                return;
            }
            sellRatePerMinute = (stats.units() - oldest[1]) / minutes;
            Long stock = stats.stockRemaining();
            if (stock == null || sellRatePerMinute <= 0) {
                minutesToSellout = Double.NaN;
            } else {
                minutesToSellout = Math.max(0, stock) / sellRatePerMinute;
            }
        }
    }
}
