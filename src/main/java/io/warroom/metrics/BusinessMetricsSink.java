package io.warroom.metrics;

import io.warroom.config.CampaignTimeline;
import io.warroom.model.MonitorOutput;
import java.io.IOException;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Exposes the monitor's business numbers as Flink metrics (and so, with Flink's Prometheus reporter, on the metrics
 * endpoint). It runs with parallelism 1 and sees every campaign and item update, so each business metric has exactly
 * one series; the names, labels and units are listed in docs/prometheus.md.
 */
public final class BusinessMetricsSink implements Sink<MonitorOutput> {
    private final CampaignTimeline campaigns;
    private final int topItems;
    private final int maxItemSeries;

    /**
     * @param topItems items with the highest gmv that are watched besides the configured ones
     * @param maxItemSeries upper bound of watched items per campaign, configured ones included: Flink cannot
     *     unregister a metric, so items that leave the top keep their series and the cap keeps labels bounded
     */
    public BusinessMetricsSink(CampaignTimeline campaigns, int topItems, int maxItemSeries) {
        this.campaigns = campaigns;
        this.topItems = topItems;
        this.maxItemSeries = maxItemSeries;
    }

    @Override
    public SinkWriter<MonitorOutput> createWriter(WriterInitContext context) throws IOException {
        if (context.getTaskInfo().getNumberOfParallelSubtasks() != 1) {
            throw new IllegalStateException("the business metrics sink must run with parallelism 1");
        }
        BusinessMetrics metrics = new BusinessMetrics(campaigns, context.metricGroup().addGroup("warroom"),
                topItems, maxItemSeries, System::currentTimeMillis);
        return new SinkWriter<>() {
            @Override
            public void write(MonitorOutput output, Context ignored) {
                metrics.accept(output);
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }
}
