package io.warroom.functions;

import java.io.IOException;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.hll.Union;
import org.apache.flink.api.common.state.ValueState;

/** How warroom counts distinct users: HLL sketches (Apache DataSketches), see docs/metrics.md for the error bound. */
public final class Sketches {
    private Sketches() {}

    public static HllSketch newSketch(int lgK) {
        return new HllSketch(lgK, TgtHllType.HLL_8);
    }

    /** Adds a user to the sketch in {@code state}, creating it with {@code lgK} on first use. */
    public static void add(ValueState<HllSketch> state, String userId, int lgK) throws IOException {
        HllSketch sketch = valueOrNew(state, lgK);
        sketch.update(userId);
        state.update(sketch);
    }

    /** Adds users given by their {@link #hash64} to the sketch in {@code state}, creating it on first use. */
    public static void addAll(ValueState<HllSketch> state, long[] userHashes, int lgK) throws IOException {
        if (userHashes.length == 0) {
            return;
        }
        HllSketch sketch = valueOrNew(state, lgK);
        for (long user : userHashes) {
            sketch.update(user);
        }
        state.update(sketch);
    }

    private static HllSketch valueOrNew(ValueState<HllSketch> state, int lgK) throws IOException {
        HllSketch sketch = state.value();
        return sketch != null ? sketch : newSketch(lgK);
    }

    /**
     * The rounded composite estimate. Unlike the default (HIP) estimate it depends only on which users were added,
     * not on their order, so a replay gives the same numbers whatever the interleaving of its inputs. Sketches stay
     * exact (up to hash collisions) while they hold few users.
     */
    public static long estimate(HllSketch sketch) {
        return sketch == null ? 0 : Math.round(sketch.getCompositeEstimate());
    }

    /** {@link #estimate(HllSketch)} of a union of sketches. */
    public static long estimate(Union union) {
        return union == null ? 0 : Math.round(union.getCompositeEstimate());
    }

    /**
     * The distinct count to publish, given the one published before and the estimate now. Live values never go down
     * (the composite estimate of a growing set can dip a little, docs/metrics.md); the closing value is the estimate
     * of the final set itself, so it does not depend on when earlier values were taken, which is processing time.
     */
    public static long published(long publishedBefore, long estimateNow, boolean closing) {
        return closing ? estimateNow : Math.max(publishedBefore, estimateNow);
    }

    /**
     * The audience shard of a user. Uses {@link #hash64}, a hash unrelated to the MurmurHash3 the sketches use, so a
     * shard's users still fill its sketch's buckets uniformly.
     */
    public static int shardOf(String userId, int shards) {
        return (int) Long.remainderUnsigned(hash64(userId), shards);
    }

    /**
     * A 64-bit hash of an id: FNV-1a over its chars plus a 64-bit finalizer, so every bit depends on every char.
     * Users enter the traffic shards' sketches by this hash; two users share one with probability about
     * {@code n^2 / 2^65}, far below the sketches' own error.
     */
    public static long hash64(CharSequence id) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < id.length(); i++) {
            h ^= id.charAt(i);
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
