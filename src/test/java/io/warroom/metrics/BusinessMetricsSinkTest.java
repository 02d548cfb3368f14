package io.warroom.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.warroom.model.AlertEvent;
import io.warroom.model.AlertType;
import io.warroom.model.ItemStats;
import io.warroom.model.MonitorOutput;
import org.junit.jupiter.api.Test;

/** The checkpointed view of the business metrics: read back as written, and dropped when written in another shape. */
class BusinessMetricsSinkTest {
    private final BusinessMetricsSink.ViewSerializer serializer = new BusinessMetricsSink.ViewSerializer();

    @Test
    void aSavedViewReadsBackAsItWasWritten() throws Exception {
        MonitorOutput item = MonitorOutput.of(
                new ItemStats("c1", "sku-1", 1999, 0, 1, 2, 1, 10, 12, 3, 48L, 1_794_326_460_000L, false));
        MonitorOutput alert = MonitorOutput.of(AlertEvent.fired(AlertType.STOCK_LOW, "c1", "sku-1",
                1_794_326_460_000L, "sku-1: 48 left, safety stock is 50", "48", "50"));

        for (MonitorOutput output : new MonitorOutput[] {item, alert}) {
            assertThat(serializer.deserialize(serializer.getVersion(), serializer.serialize(output)))
                    .isEqualTo(output);
        }
    }

    @Test
    void aViewSavedByAJobWhoseOutputsHadAnotherShapeIsDroppedNotMisread() throws Exception {
        byte[] saved = serializer.serialize(MonitorOutput.of(
                new ItemStats("c1", "sku-1", 1999, 0, 1, 2, 1, 10, 12, 3, 48L, 1_794_326_460_000L, false)));

        MonitorOutput read = serializer.deserialize(serializer.getVersion() + 1, saved);

        assertThat(read).isEqualTo(new MonitorOutput(null, null, null, null));
    }
}
