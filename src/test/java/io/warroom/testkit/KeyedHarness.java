package io.warroom.testkit;

import org.apache.flink.api.common.typeinfo.BasicTypeInfo;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/** Flink's operator harness around one of warroom's keyed functions, opened, with processing time at 0. */
public final class KeyedHarness {
    private KeyedHarness() {}

    public static <IN, OUT> KeyedOneInputStreamOperatorTestHarness<String, IN, OUT> open(
            KeyedProcessFunction<String, IN, OUT> function, KeySelector<IN, String> key) throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, IN, OUT> harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(function), key, BasicTypeInfo.STRING_TYPE_INFO);
        harness.open();
        harness.setProcessingTime(0);
        return harness;
    }
}
