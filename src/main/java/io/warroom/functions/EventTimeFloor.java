package io.warroom.functions;

import java.io.Serializable;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.FunctionInitializationContext;

/**
 * The event time an operator has already acted on, carried across restores.
 *
 * <p>Flink does not checkpoint watermarks: a restored job starts every operator at {@code Long.MIN_VALUE} and waits
 * for its inputs to move event time again, which after a quiet spell may take a long time. Until then a released
 * campaign would look open, a passed minute boundary unpassed, and stats would claim to be complete up to the
 * beginning of time. This floor is the highest watermark the operator acted on (an element or a timer seen at it),
 * saved with every checkpoint; after a restore the operator's event time is the larger of the floor and its
 * watermark, so no decision taken before the checkpoint is taken again differently.
 *
 * <p>Every subtask of a keyed operator sees the same watermark (each receives every upstream watermark), and at an
 * aligned checkpoint all have the same one (the pipeline turns unaligned checkpoints off for this); each saved floor
 * is at most that watermark, so their maximum is a safe floor for every subtask, at any new parallelism. A savepoint
 * taken with {@code stop --drain} has passed the end of time, and so has a job restored from it.
 */
final class EventTimeFloor implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final ListStateDescriptor<Long> SAVED = new ListStateDescriptor<>("event-time-floor", Types.LONG);

    private transient ListState<Long> saved;
    private long reached = Long.MIN_VALUE;

    /** Restores the floor; before a first checkpoint there is none. */
    void initialize(FunctionInitializationContext context) throws Exception {
        saved = context.getOperatorStateStore().getUnionListState(SAVED);
        if (context.isRestored()) {
            for (Long floor : saved.get()) {
                reached = Math.max(reached, floor);
            }
        }
    }

    /** The operator's event time given its current watermark: never behind what it acted on before. */
    long now(long watermark) {
        if (watermark > reached) {
            reached = watermark;
        }
        return reached;
    }

    void snapshot() throws Exception {
        saved.update(List.of(reached));
    }
}
