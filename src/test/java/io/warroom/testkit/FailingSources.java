package io.warroom.testkit;

import io.warroom.model.CampaignUpdate;
import io.warroom.model.InputRecord;
import io.warroom.pipeline.MonitorSources;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** Real sources with an {@link InjectedFailure} right behind them, so a test can crash the job mid-stream. */
public final class FailingSources implements MonitorSources {
    private final MonitorSources sources;

    public FailingSources(MonitorSources sources) {
        this.sources = sources;
    }

    @Override
    public List<DataStream<InputRecord>> create(StreamExecutionEnvironment env,
            WatermarkStrategy<InputRecord> watermarks) {
        List<DataStream<InputRecord>> streams = new ArrayList<>();
        for (DataStream<InputRecord> source : sources.create(env, watermarks)) {
            String suffix = streams.isEmpty() ? "" : "-" + streams.size();
            streams.add(source.map(new InjectedFailure()).name("Injected failure").uid("injected-failure" + suffix));
        }
        return streams;
    }

    @Override
    public DataStream<CampaignUpdate> campaignUpdates(StreamExecutionEnvironment env) {
        return sources.campaignUpdates(env);
    }

    /** Must follow the real sources: the pipeline picks live or replay watermarks by it. */
    @Override
    public boolean bounded() {
        return sources.bounded();
    }
}
