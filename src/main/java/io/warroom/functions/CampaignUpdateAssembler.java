package io.warroom.functions;

import io.warroom.config.CampaignUpdateParts;
import io.warroom.model.CampaignUpdate;
import java.util.ArrayList;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Puts campaign updates that {@code campaign push} split into several records back together
 * ({@link CampaignUpdateParts}), so every operator downstream sees whole updates only; other updates pass unchanged.
 * Runs as one task right after the control input; the pieces still waiting are checkpointed with it.
 */
public final class CampaignUpdateAssembler extends ProcessFunction<CampaignUpdate, CampaignUpdate>
        implements CheckpointedFunction {
    private transient CampaignUpdateParts.Assembler assembler;
    private transient ListState<String> waiting;

    @Override
    public void processElement(CampaignUpdate update, Context ctx, Collector<CampaignUpdate> out) {
        String whole = assembler.accept(update.body());
        if (whole != null) {
            out.collect(whole.equals(update.body()) ? update : new CampaignUpdate(update.origin(), whole));
        }
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        waiting = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("campaign-update-pieces", Types.STRING));
        assembler = new CampaignUpdateParts.Assembler();
        for (String piece : waiting.get()) {
            assembler.accept(piece);
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        waiting.update(new ArrayList<>(assembler.waiting()));
    }
}
