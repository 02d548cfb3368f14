package io.warroom.generator;

import io.warroom.model.StreamKind;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * Writes the replay input format: {@code clicks.jsonl}, {@code carts.jsonl}, {@code orders.jsonl} and
 * {@code inventory.jsonl} (or {@code .jsonl.gz}) in one folder, one record per line in arrival order. Existing files
 * of the same names are replaced. Gzip output is byte-for-byte reproducible: Java writes no timestamp or name into
 * the gzip header.
 */
public final class FolderSink implements RecordSink {
    private final Map<StreamKind, OutputStream> files;

    private FolderSink(Map<StreamKind, OutputStream> files) {
        this.files = files;
    }

    /**
     * @throws IOException when the folder cannot be created, or already holds the other form (plain or gzipped) of
     *     a stream file, which would make replay refuse the folder
     */
    public static FolderSink open(Path folder, boolean gzip) throws IOException {
        Files.createDirectories(folder);
        for (StreamKind stream : StreamKind.values()) {
            Path other = folder.resolve(fileName(stream, !gzip));
            if (Files.exists(other)) {
                throw new IOException(folder + " already holds " + other.getFileName()
                        + "; replay refuses a folder with both forms, so remove it or write elsewhere");
            }
        }
        Map<StreamKind, OutputStream> files = new EnumMap<>(StreamKind.class);
        try {
            for (StreamKind stream : StreamKind.values()) {
                OutputStream out = Files.newOutputStream(folder.resolve(fileName(stream, gzip)));
                files.put(stream, gzip
                        ? new BufferedOutputStream(new GZIPOutputStream(out, 1 << 16), 1 << 16)
                        : new BufferedOutputStream(out, 1 << 16));
            }
        } catch (IOException e) {
            closeAll(files.values(), e);
            throw e;
        }
        return new FolderSink(files);
    }

    public static String fileName(StreamKind stream, boolean gzip) {
        return stream.defaultName() + (gzip ? ".jsonl.gz" : ".jsonl");
    }

    @Override
    public void write(StreamKind stream, String key, byte[] value) throws IOException {
        OutputStream out = files.get(stream);
        out.write(value);
        out.write('\n');
    }

    @Override
    public void close() throws IOException {
        IOException failure = closeAll(files.values(), null);
        if (failure != null) {
            throw failure;
        }
    }

    private static IOException closeAll(Iterable<OutputStream> streams, IOException failure) {
        for (OutputStream out : streams) {
            try {
                out.close();
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        return failure;
    }
}
