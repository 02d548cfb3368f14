package io.warroom.metrics;

import io.warroom.config.CampaignTimeline;
import io.warroom.model.MonitorOutput;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * Exposes the monitor's business numbers as Flink metrics (and so, with Flink's Prometheus reporter, on the metrics
 * endpoint). It runs with parallelism 1 and sees every campaign and item update, so each business metric has exactly
 * one series; the names, labels and units are listed in docs/prometheus.md. What the gauges show is checkpointed, so
 * a restored job shows the numbers of its checkpoint from the start.
 */
public final class BusinessMetricsSink
        implements Sink<MonitorOutput>, SupportsWriterState<MonitorOutput, MonitorOutput> {
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
    public StatefulSinkWriter<MonitorOutput, MonitorOutput> createWriter(WriterInitContext context) {
        return restoreWriter(context, List.of());
    }

    /** A restored writer shows the checkpoint's numbers at once (see {@link BusinessMetrics#view}). */
    @Override
    public StatefulSinkWriter<MonitorOutput, MonitorOutput> restoreWriter(
            WriterInitContext context, Collection<MonitorOutput> view) {
        if (context.getTaskInfo().getNumberOfParallelSubtasks() != 1) {
            throw new IllegalStateException("the business metrics sink must run with parallelism 1");
        }
        BusinessMetrics metrics = new BusinessMetrics(campaigns, context.metricGroup().addGroup("warroom"),
                topItems, maxItemSeries, System::currentTimeMillis);
        metrics.restore(view);
        return new StatefulSinkWriter<>() {
            @Override
            public void write(MonitorOutput output, Context ignored) {
                metrics.accept(output);
            }

            @Override
            public List<MonitorOutput> snapshotState(long checkpointId) {
                return metrics.view();
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }

    @Override
    public SimpleVersionedSerializer<MonitorOutput> getWriterStateSerializer() {
        return new ViewSerializer();
    }

    /**
     * The saved view's outputs, each in the job's own serializer for them. The view is only what the gauges showed:
     * a view saved by a version of the job whose outputs had another shape (its version is a fingerprint of their
     * fields) is dropped rather than misread, and the gauges wait for the next stats instead.
     */
    static final class ViewSerializer implements SimpleVersionedSerializer<MonitorOutput> {
        private static final TypeInformation<MonitorOutput> TYPE = TypeInformation.of(MonitorOutput.class);
        private static final MonitorOutput NOTHING = new MonitorOutput(null, null, null, null);

        private final TypeSerializer<MonitorOutput> serializer = TYPE.createSerializer(new SerializerConfigImpl());

        @Override
        public int getVersion() {
            return TYPE.toString().hashCode() & Integer.MAX_VALUE;
        }

        @Override
        public byte[] serialize(MonitorOutput output) throws IOException {
            DataOutputSerializer out = new DataOutputSerializer(256);
            serializer.serialize(output, out);
            return out.getCopyOfBuffer();
        }

        @Override
        public MonitorOutput deserialize(int version, byte[] serialized) throws IOException {
            return version == getVersion() ? serializer.deserialize(new DataInputDeserializer(serialized)) : NOTHING;
        }
    }
}
