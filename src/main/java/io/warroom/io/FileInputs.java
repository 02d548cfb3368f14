package io.warroom.io;

import io.warroom.model.InputRecord;
import io.warroom.model.StreamKind;
import io.warroom.pipeline.MonitorSources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Replay input: {@code clicks.jsonl}, {@code carts.jsonl}, {@code orders.jsonl} and {@code inventory.jsonl} in one
 * folder, each optional and each possibly gzipped ({@code .jsonl.gz}). Every file is its own bounded source.
 */
public final class FileInputs implements MonitorSources {
    private final List<InputFile> files;

    /** One stream's file. */
    public record InputFile(StreamKind stream, Path path) {}

    private FileInputs(List<InputFile> files) {
        this.files = files;
    }

    /**
     * Finds the stream files in a folder.
     *
     * @throws IOException when the folder is missing, holds none of the files, or holds both a plain and a gzipped
     *     copy of one stream
     */
    public static FileInputs inFolder(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            throw new IOException(folder + " is not a folder");
        }
        List<InputFile> files = new ArrayList<>();
        for (StreamKind stream : StreamKind.values()) {
            Path plain = folder.resolve(stream.defaultName() + ".jsonl");
            Path gzipped = folder.resolve(stream.defaultName() + ".jsonl.gz");
            if (Files.exists(plain) && Files.exists(gzipped)) {
                throw new IOException(folder + " holds both " + plain.getFileName() + " and "
                        + gzipped.getFileName() + "; keep one");
            }
            if (Files.exists(plain)) {
                files.add(new InputFile(stream, plain));
            } else if (Files.exists(gzipped)) {
                files.add(new InputFile(stream, gzipped));
            }
        }
        if (files.isEmpty()) {
            throw new IOException(folder + " holds none of clicks.jsonl, carts.jsonl, orders.jsonl, inventory.jsonl"
                    + " (.gz allowed)");
        }
        return new FileInputs(List.copyOf(files));
    }

    public List<InputFile> files() {
        return files;
    }

    @Override
    public List<DataStream<InputRecord>> create(StreamExecutionEnvironment env,
            WatermarkStrategy<InputRecord> watermarks) {
        List<DataStream<InputRecord>> streams = new ArrayList<>();
        for (InputFile file : files) {
            String fileName = file.path().getFileName().toString();
            FileSource<InputRecord> source = FileSource.forRecordStreamFormat(
                            new JsonLinesFormat(file.stream(), fileName),
                            new org.apache.flink.core.fs.Path(file.path().toAbsolutePath().toUri()))
                    .build();
            DataStream<InputRecord> stream = env.fromSource(source, watermarks, "Replay " + fileName)
                    .uid("replay-" + file.stream().defaultName());
            streams.add(stream);
        }
        return streams;
    }
}
