package io.warroom.generator;

import io.warroom.model.StreamKind;
import java.io.Closeable;
import java.io.IOException;

/** Where generated records go, in the order they arrive: a folder of {@code .jsonl} files or Kafka topics. */
public interface RecordSink extends Closeable {
    /**
     * @param key the record key (Kafka partitioning); sinks without keys ignore it
     * @param value the record's bytes, exactly as a producer would send them (not necessarily valid)
     */
    void write(StreamKind stream, String key, byte[] value) throws IOException;
}
