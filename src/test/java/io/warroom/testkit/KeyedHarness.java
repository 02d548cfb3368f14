package io.warroom.testkit;

import io.warroom.functions.LiveCampaigns;
import io.warroom.model.CampaignUpdate;
import java.util.List;
import org.apache.flink.api.common.typeinfo.BasicTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;

/**
 * Flink's operator harness around one of warroom's keyed functions, opened, with processing time at 0. The
 * campaign-update input is at its final watermark, so the watermarks given to the harness alone drive event time, as
 * they do in the job, where the control input is idle (the harness has no idle inputs).
 *
 * <p>Most functions are keyed by a String (campaign and something else); the traffic shards by an Integer, so every
 * method also takes the key's type.
 */
public final class KeyedHarness {
    private KeyedHarness() {}

    /** The {@code open} below, for a function keyed by String. */
    public static <IN, OUT> KeyedBroadcastOperatorTestHarness<String, IN, CampaignUpdate, OUT> open(
            KeyedBroadcastProcessFunction<String, IN, CampaignUpdate, OUT> function, KeySelector<IN, String> key)
            throws Exception {
        return open(function, key, BasicTypeInfo.STRING_TYPE_INFO);
    }

    public static <K, IN, OUT> KeyedBroadcastOperatorTestHarness<K, IN, CampaignUpdate, OUT> open(
            KeyedBroadcastProcessFunction<K, IN, CampaignUpdate, OUT> function, KeySelector<IN, K> key,
            TypeInformation<K> keyType) throws Exception {
        KeyedBroadcastOperatorTestHarness<K, IN, CampaignUpdate, OUT> harness =
                ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                        function, key, keyType, LiveCampaigns.UPDATES);
        harness.setProcessingTime(0);
        harness.processBroadcastWatermark(Long.MAX_VALUE);
        return harness;
    }

    /** The {@code restore} below, for a function keyed by String. */
    public static <IN, OUT> KeyedBroadcastOperatorTestHarness<String, IN, CampaignUpdate, OUT> restore(
            KeyedBroadcastProcessFunction<String, IN, CampaignUpdate, OUT> function, KeySelector<IN, String> key,
            OperatorSubtaskState snapshot) throws Exception {
        return restore(function, key, BasicTypeInfo.STRING_TYPE_INFO, snapshot);
    }

    /**
     * Like {@link #open}, but the function starts from a snapshot taken with {@code harness.snapshot(...)} of an
     * earlier harness (keyed state, broadcast state and timers), as after a restart from a checkpoint. Watermarks
     * start over, as they do in a restarted job; processing time is at 0 again.
     */
    public static <K, IN, OUT> KeyedBroadcastOperatorTestHarness<K, IN, CampaignUpdate, OUT> restore(
            KeyedBroadcastProcessFunction<K, IN, CampaignUpdate, OUT> function, KeySelector<IN, K> key,
            TypeInformation<K> keyType, OperatorSubtaskState snapshot) throws Exception {
        // The same operator, parallelism and max parallelism as ProcessFunctionTestHarnesses gives open().
        KeyedBroadcastOperatorTestHarness<K, IN, CampaignUpdate, OUT> harness =
                new KeyedBroadcastOperatorTestHarness<>(
                        new CoBroadcastWithKeyedOperator<>(function, List.of(LiveCampaigns.UPDATES)),
                        key, keyType, 1, 1, 0);
        harness.initializeState(snapshot);
        harness.open();
        harness.setProcessingTime(0);
        harness.processBroadcastWatermark(Long.MAX_VALUE);
        return harness;
    }

    /**
     * Entries of keyed state over all keys and states (heap backend), to prove state is released. A map state counts
     * once per key, however many entries its map holds.
     */
    public static int keyedStateEntries(KeyedBroadcastOperatorTestHarness<?, ?, ?, ?> harness) {
        return ((HeapKeyedStateBackend<?>) backend(harness)).numKeyValueStateEntries();
    }

    /** The harness's keyed state backend, to read one key's state directly. */
    @SuppressWarnings("unchecked")
    public static <K> KeyedStateBackend<K> backend(KeyedBroadcastOperatorTestHarness<K, ?, ?, ?> harness) {
        return (KeyedStateBackend<K>) ((AbstractStreamOperator<?>) harness.getOperator()).getKeyedStateBackend();
    }
}
