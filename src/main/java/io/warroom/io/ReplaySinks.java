package io.warroom.io;

import io.warroom.pipeline.MonitorSinks;
import io.warroom.pipeline.MonitorStreams;
import java.nio.file.Path;

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
        streams.merged(true)
                .sinkTo(new ReplayReportSink(report, rejected))
                .setParallelism(1)
                .name("Replay report")
                .uid("replay-report");
    }
}
