package io.warroom.io;

import io.warroom.pipeline.MonitorSinks;
import io.warroom.pipeline.MonitorStreams;
import java.nio.file.Path;
import org.apache.flink.streaming.api.datastream.DataStream;

/** Replay output: every stream of the monitor into one {@link ReplayReportSink}. */
public final class ReplaySinks implements MonitorSinks {
    private final Path report;
    private final Path rejected;

    public ReplaySinks(Path report, Path rejected) {
        this.report = report;
        this.rejected = rejected;
    }

    @Override
    public void attach(MonitorStreams streams) {
        DataStream<ReportEntry> entries = streams.itemStats()
                .map(s -> new ReportEntry(s, null, null, null))
                .returns(ReportEntry.class)
                .name("Item stats to report")
                .union(
                        streams.campaignStats()
                                .map(s -> new ReportEntry(null, s, null, null))
                                .returns(ReportEntry.class)
                                .name("Campaign stats to report"),
                        streams.alerts()
                                .map(a -> new ReportEntry(null, null, a, null))
                                .returns(ReportEntry.class)
                                .name("Alerts to report"),
                        streams.rejected()
                                .map(r -> new ReportEntry(null, null, null, r))
                                .returns(ReportEntry.class)
                                .name("Rejects to report"));
        entries.sinkTo(new ReplayReportSink(report, rejected))
                .setParallelism(1)
                .name("Replay report")
                .uid("replay-report");
    }
}
