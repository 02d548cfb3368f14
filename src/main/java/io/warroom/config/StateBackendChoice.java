package io.warroom.config;

import java.util.Locale;

/**
 * Where the job keeps its keyed state: on the heap ({@code hashmap}, the fastest while it fits) or on local disk, for
 * state larger than memory, with incremental checkpoints: in RocksDB ({@code rocksdb}) or in ForSt ({@code forst},
 * Flink 2's fork of RocksDB, used here through the same synchronous state API, not its disaggregated mode).
 */
public enum StateBackendChoice {
    HASHMAP,
    ROCKSDB,
    FORST;

    /** Flink's name for it, the value of {@code state.backend.type}. */
    public String flinkName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Whether a map state iterates its entries in the byte order of their serialized keys: RocksDB keeps them
     * sorted, the heap in a hash table. Flink promises no order, so only code that also works without one may use it.
     */
    public boolean iteratesMapsInKeyOrder() {
        return this != HASHMAP;
    }
}
