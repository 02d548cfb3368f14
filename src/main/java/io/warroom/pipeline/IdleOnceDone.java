package io.warroom.pipeline;

import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;

/**
 * Passes a short bounded input (the campaigns and items opened at start) into a live job, and then marks it idle
 * instead of letting its final watermark through. A finished input stands at the end of time; while every live
 * input is idle, it alone would set the operators' event time there, judging every pacing checkpoint at once and
 * closing every campaign.
 */
final class IdleOnceDone<T> extends AbstractStreamOperator<T>
        implements OneInputStreamOperator<T, T>, BoundedOneInput {
    @Override
    public void processElement(StreamRecord<T> element) {
        output.collect(element);
    }

    @Override
    public void processWatermark(Watermark mark) {
        // the bootstrap's watermarks say nothing about the live inputs' event time
    }

    @Override
    public void endInput() {
        output.emitWatermarkStatus(WatermarkStatus.IDLE);
    }
}
