package io.warroom.config;

import java.util.Locale;

/**
 * Where the job keeps its keyed state: on the heap ({@code hashmap}, the fastest while it fits) or in RocksDB on
 * local disk ({@code rocksdb}, for state larger than memory, with incremental checkpoints).
 */
public enum StateBackendChoice {
    HASHMAP,
    ROCKSDB;

    /** Flink's name for it, the value of {@code state.backend.type}. */
    public String flinkName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
