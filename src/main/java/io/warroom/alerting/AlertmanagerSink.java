package io.warroom.alerting;

import io.warroom.model.AlertEvent;
import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.function.LongSupplier;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

/**
 * Sends the alert stream to Alertmanager through one {@link AlertDelivery}. It must run with parallelism 1: flap
 * control and re-sends need every change of an alert in one place, and the alert stream is small.
 *
 * <p>Watermarks drive the resolve hold-back in event time. At end of input held resolves are released and the writer
 * waits (at most {@code flushTimeout}) until everything pending was sent once; what is still unsent is logged with its
 * alert id. Metrics on the writer's group: {@code alertmanager_sent} (batches), {@code alertmanager_failures},
 * {@code alertmanager_dropped} (re-sends dropped by the queue bound) and the gauge {@code alertmanager_pending}.
 *
 * <p>The writer checkpoints the open incidents (fired, or resolved but held back), so after a restore it goes on
 * re-sending them: an alert that fired before a restart stays active in Alertmanager, and a held resolve is still
 * released once its hold-back has passed.
 */
public final class AlertmanagerSink implements Sink<AlertEvent>, SupportsWriterState<AlertEvent, AlertEvent> {
    private static final long serialVersionUID = 1L;

    private final AlertDeliverySettings settings;
    private final AlertmanagerAlert format;
    private final Duration requestTimeout;
    private final Duration flushTimeout;

    /**
     * @param settings Alertmanager URLs and delivery tuning ({@link AlertDeliverySettings#defaults})
     * @param format label/annotation mapping, including the dashboard link template
     * @param requestTimeout per HTTP request
     * @param flushTimeout longest wait at end of input for pending alerts
     */
    public AlertmanagerSink(
            AlertDeliverySettings settings, AlertmanagerAlert format, Duration requestTimeout, Duration flushTimeout) {
        this.settings = settings;
        this.format = format;
        this.requestTimeout = requestTimeout;
        this.flushTimeout = flushTimeout;
    }

    /** Sink with 10 s request timeout and 30 s end-of-input wait. */
    public AlertmanagerSink(AlertDeliverySettings settings, AlertmanagerAlert format) {
        this(settings, format, Duration.ofSeconds(10), Duration.ofSeconds(30));
    }

    @Override
    public StatefulSinkWriter<AlertEvent, AlertEvent> createWriter(WriterInitContext context) throws IOException {
        return restoreWriter(context, List.of());
    }

    @Override
    public StatefulSinkWriter<AlertEvent, AlertEvent> restoreWriter(
            WriterInitContext context, Collection<AlertEvent> openIncidents) throws IOException {
        if (context.getTaskInfo().getNumberOfParallelSubtasks() != 1) {
            throw new IllegalStateException("the Alertmanager sink must run with parallelism 1");
        }
        AlertDelivery delivery = new AlertDelivery(
                settings, format, new HttpAlertSender(requestTimeout), System::currentTimeMillis);
        register(context.metricGroup(), delivery);
        openIncidents.forEach(delivery::accept);
        delivery.start();
        return new Writer(delivery, flushTimeout);
    }

    @Override
    public SimpleVersionedSerializer<AlertEvent> getWriterStateSerializer() {
        return AlertEventSerializer.INSTANCE;
    }

    private static void register(MetricGroup group, AlertDelivery delivery) {
        group.counter("alertmanager_sent", new ReadOnlyCounter(delivery::sentBatches));
        group.counter("alertmanager_failures", new ReadOnlyCounter(delivery::failures));
        group.counter("alertmanager_dropped", new ReadOnlyCounter(delivery::dropped));
        group.gauge("alertmanager_pending", (Gauge<Integer>) delivery::pending);
    }

    private static final class Writer implements StatefulSinkWriter<AlertEvent, AlertEvent> {
        private final AlertDelivery delivery;
        private final Duration flushTimeout;

        Writer(AlertDelivery delivery, Duration flushTimeout) {
            this.delivery = delivery;
            this.flushTimeout = flushTimeout;
        }

        @Override
        public void write(AlertEvent alert, Context context) {
            delivery.accept(alert);
        }

        @Override
        public void writeWatermark(Watermark watermark) {
            delivery.advanceEventTime(watermark.getTimestamp());
        }

        @Override
        public void flush(boolean endOfInput) throws InterruptedException {
            // Only at end of input: waiting on every checkpoint would tie checkpoint time to Alertmanager's health.
            if (endOfInput) {
                delivery.endOfInput();
                delivery.awaitDelivered(flushTimeout);
            }
        }

        @Override
        public List<AlertEvent> snapshotState(long checkpointId) {
            return delivery.openIncidents();
        }

        @Override
        public void close() {
            delivery.close();
        }
    }

    /** Exposes a count kept by {@link AlertDelivery} as a Flink counter; the sink never changes it itself. */
    private static final class ReadOnlyCounter implements Counter {
        private final LongSupplier count;

        ReadOnlyCounter(LongSupplier count) {
            this.count = count;
        }

        @Override
        public void inc() {}

        @Override
        public void inc(long n) {}

        @Override
        public void dec() {}

        @Override
        public void dec(long n) {}

        @Override
        public long getCount() {
            return count.getAsLong();
        }
    }
}
