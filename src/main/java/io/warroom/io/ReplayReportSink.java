package io.warroom.io;

import com.fasterxml.jackson.core.JsonGenerator;
import io.warroom.model.MonitorOutput;
import io.warroom.serde.Json;
import io.warroom.serde.OutputJson;
import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Writes the replay report when the input ends, and every rejected record to a dead-letter file (JSON lines) as it
 * arrives. Runs with parallelism 1: the report is one file. The report is written to a temporary file and moved in
 * place, so a reader never sees half a report.
 */
public final class ReplayReportSink implements Sink<MonitorOutput> {
    private final String reportPath;
    private final String rejectedPath;

    public ReplayReportSink(Path report, Path rejected) {
        this.reportPath = report.toAbsolutePath().toString();
        this.rejectedPath = rejected.toAbsolutePath().toString();
    }

    @Override
    public SinkWriter<MonitorOutput> createWriter(WriterInitContext context) throws IOException {
        if (context.getTaskInfo().getNumberOfParallelSubtasks() != 1) {
            throw new IllegalStateException("the replay report sink must run with parallelism 1");
        }
        return new Writer(Paths.get(reportPath), Paths.get(rejectedPath));
    }

    private static final class Writer implements SinkWriter<MonitorOutput> {
        private final Path report;
        private final ReplayReport content = new ReplayReport();
        private final BufferedWriter rejected;

        Writer(Path report, Path rejectedFile) throws IOException {
            this.report = report;
            createParent(report);
            createParent(rejectedFile);
            this.rejected = Files.newBufferedWriter(rejectedFile, StandardCharsets.UTF_8);
        }

        @Override
        public void write(MonitorOutput entry, Context context) throws IOException {
            content.add(entry);
            if (entry.rejected() != null) {
                rejected.write(Json.toString(OutputJson.rejected(entry.rejected())));
                rejected.write('\n');
            }
        }

        @Override
        public void flush(boolean endOfInput) throws IOException {
            rejected.flush();
            if (endOfInput) {
                Path temporary = report.resolveSibling(report.getFileName() + ".tmp");
                try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(temporary));
                        JsonGenerator json = Json.prettyGenerator(file)) {
                    content.writeTo(json);
                    json.writeRaw('\n');
                }
                Files.move(temporary, report, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        }

        @Override
        public void close() throws IOException {
            rejected.close();
        }

        private static void createParent(Path file) throws IOException {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        }
    }
}
