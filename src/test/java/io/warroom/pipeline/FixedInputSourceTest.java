package io.warroom.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

/**
 * The fixed inputs' reader: all elements at every start, then, live, nothing ever again without ending; in a replay,
 * the end. The reader is driven as Flink's source operator drives it: splits added, then polled while it says more
 * is available.
 */
class FixedInputSourceTest {
    private static final List<String> OPENINGS = List.of("campaign c1", "item c1/sku-1", "item c1/sku-2");

    @Test
    void aLiveInputEmitsItsElementsThenWaitsForeverWithoutEnding() throws Exception {
        SourceReader<String, FixedInputSource.Elements> reader = reader(true);
        reader.addSplits(List.of(new FixedInputSource.Elements()));

        Polled polled = pollUntilItWaits(reader);

        assertThat(polled.elements).containsExactlyElementsOf(OPENINGS);
        assertThat(polled.last).isEqualTo(InputStatus.NOTHING_AVAILABLE);
        assertThat(reader.isAvailable()).as("nothing will ever wake it").isNotDone();
        reader.notifyNoMoreSplits();
        assertThat(reader.pollNext(new Collected())).as("not even the end of the splits ends it")
                .isEqualTo(InputStatus.NOTHING_AVAILABLE);
    }

    @Test
    void aReaderKeepsNoStateSoARestartedOneIsHandedTheSplitAndEmitsEveryElementAgain() throws Exception {
        SourceReader<String, FixedInputSource.Elements> before = reader(true);
        before.addSplits(List.of(new FixedInputSource.Elements()));
        pollUntilItWaits(before);
        assertThat(before.snapshotState(1)).isEmpty();

        // Restarted, it registers again and the enumerator hands it the split again.
        SourceReader<String, FixedInputSource.Elements> restarted = reader(true);
        restarted.addSplits(List.of(new FixedInputSource.Elements()));

        // Its consumers take each opening once; emitting all again lets a changed campaign file open what it adds.
        assertThat(pollUntilItWaits(restarted).elements).containsExactlyElementsOf(OPENINGS);
    }

    @Test
    void aBoundedInputEndsWithItsElementsOnceToldThereIsNoMore() throws Exception {
        SourceReader<String, FixedInputSource.Elements> reader = reader(false);
        reader.addSplits(List.of(new FixedInputSource.Elements()));

        Polled polled = pollUntilItWaits(reader);
        // The enumerator's "no more splits" is still on its way: ending now would have it meet a finished task.
        assertThat(polled.elements).containsExactlyElementsOf(OPENINGS);
        assertThat(polled.last).isEqualTo(InputStatus.NOTHING_AVAILABLE);

        reader.notifyNoMoreSplits();

        assertThat(reader.isAvailable()).isDone();
        assertThat(reader.pollNext(new Collected())).isEqualTo(InputStatus.END_OF_INPUT);
    }

    @Test
    void aBoundedReaderWithoutTheSplitEndsWhenToldThereIsNoMore() throws Exception {
        SourceReader<String, FixedInputSource.Elements> reader = reader(false);
        assertThat(reader.pollNext(new Collected())).isEqualTo(InputStatus.NOTHING_AVAILABLE);

        reader.notifyNoMoreSplits();

        assertThat(reader.isAvailable()).isDone();
        assertThat(reader.pollNext(new Collected())).isEqualTo(InputStatus.END_OF_INPUT);
    }

    /** The reader of a source that went through Java serialization, as the job graph ships it. */
    private static SourceReader<String, FixedInputSource.Elements> reader(boolean live) throws Exception {
        FixedInputSource<String> source = InstantiationUtil.clone(new FixedInputSource<>(() -> OPENINGS, live));
        return source.createReader(null);
    }

    private record Polled(List<String> elements, InputStatus last) {}

    private static Polled pollUntilItWaits(SourceReader<String, ?> reader) throws Exception {
        Collected output = new Collected();
        InputStatus status;
        int polls = 0;
        do {
            status = reader.pollNext(output);
        } while (status == InputStatus.MORE_AVAILABLE && ++polls < 100);
        return new Polled(output.elements, status);
    }

    private static final class Collected implements ReaderOutput<String> {
        final List<String> elements = new ArrayList<>();

        @Override
        public void collect(String record) {
            elements.add(record);
        }

        @Override
        public void collect(String record, long timestamp) {
            elements.add(record);
        }

        @Override
        public void emitWatermark(Watermark watermark) {}

        @Override
        public void markIdle() {}

        @Override
        public void markActive() {}

        @Override
        public SourceOutput<String> createOutputForSplit(String splitId) {
            return this;
        }

        @Override
        public void releaseOutputForSplit(String splitId) {}
    }
}
