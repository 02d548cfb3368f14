package io.warroom.io;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Supplier;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.connector.kafka.sink.KafkaCommittable;
import org.apache.flink.connector.kafka.sink.internal.KafkaCommitter;
import org.apache.flink.connector.kafka.sink.internal.TransactionFinished;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The committer of {@link RestoreAwareKafkaSink}: Flink's {@link KafkaCommitter}, except for transactions restored
 * from a checkpoint that the broker proves were committed before the restore.
 *
 * <p>Why: a checkpoint holds the transactions it covers until they are committed, which happens just after the
 * checkpoint completes. A job killed after that commit and before the next checkpoint is restored with them, and
 * Flink commits them again. The writer committed them with transaction protocol v2 (KIP-890), which bumps the producer
 * epoch at the end of a transaction. The connector's committer resumes a restored transaction in a fresh producer by
 * setting its producer id and epoch, skipping {@code initTransactions}, which is where kafka-clients learns that the
 * cluster speaks v2; so it retries the commit with protocol v1 and the old epoch, which v1 requires to be the
 * current one. The broker answers PRODUCER_FENCED, and the connector logs an ERROR that "most likely signals data
 * loss", although nothing was lost.
 *
 * <p>Contract:
 * <ul>
 *   <li>A committable restored from a checkpoint (it carries no producer) in a committer started from that
 *       checkpoint is first looked up on the broker ({@link TransactionLookup}). If the broker proves it committed,
 *       one INFO line says so, the request is signalled as already committed, and the writer is told the transaction
 *       is finished, as the connector's committer tells it after a commit.</li>
 *   <li>Everything else goes to the connector's committer unchanged: a restored transaction still open is committed;
 *       one that was aborted, expired or cannot be looked up is reported by the connector as before, so its ERROR
 *       now signals a transaction that is not known to be committed.</li>
 *   <li>Committables of the running job (they carry their producer) are never looked up: one broker round trip per
 *       restored transaction, on restore only.</li>
 * </ul>
 * Relies on connector internals (pinned by {@code RestoreAwareKafkaCommitterIT}): {@link KafkaCommittable}'s
 * producer id, epoch and producer, and the committer's backchannel to the writer.
 */
final class RestoreAwareKafkaCommitter implements Committer<KafkaCommittable> {
    private static final Logger LOG = LoggerFactory.getLogger(RestoreAwareKafkaCommitter.class);

    private final KafkaCommitter committer;
    private final OptionalLong restoredCheckpointId;
    private final Supplier<TransactionLookup> lookups;
    private TransactionLookup lookup;

    /**
     * @param committer the connector's committer, which commits everything not proven committed
     * @param restoredCheckpointId the checkpoint this committer was restored from, if any
     * @param lookups opens the broker lookup, on the first restored committable
     */
    RestoreAwareKafkaCommitter(KafkaCommitter committer, OptionalLong restoredCheckpointId,
            Supplier<TransactionLookup> lookups) {
        this.committer = committer;
        this.restoredCheckpointId = restoredCheckpointId;
        this.lookups = lookups;
    }

    @Override
    public void commit(Collection<CommitRequest<KafkaCommittable>> requests)
            throws IOException, InterruptedException {
        List<CommitRequest<KafkaCommittable>> toCommit = new ArrayList<>(requests.size());
        for (CommitRequest<KafkaCommittable> request : requests) {
            if (!committedBeforeTheRestore(request.getCommittable())) {
                toCommit.add(request);
                continue;
            }
            request.signalAlreadyCommitted();
            // The writer keeps a restored transaction among its open ones until the committer reports it finished.
            String transactionalId = request.getCommittable().getTransactionalId();
            committer.getBackchannel().send(TransactionFinished.successful(transactionalId));
        }
        if (!toCommit.isEmpty()) {
            committer.commit(toCommit);
        }
    }

    private boolean committedBeforeTheRestore(KafkaCommittable committable) throws InterruptedException {
        if (restoredCheckpointId.isEmpty() || committable.getProducer().isPresent()) {
            return false;
        }
        if (lookup == null) {
            lookup = lookups.get();
        }
        String transactionalId = committable.getTransactionalId();
        TransactionLookup.Answer answer =
                lookup.lookUp(transactionalId, committable.getProducerId(), committable.getEpoch());
        if (answer.committed()) {
            LOG.info("Transaction {} of checkpoint {} was already committed before the restore (producer id {}, "
                            + "epoch {}; the broker shows {}); not committing it again",
                    transactionalId, restoredCheckpointId.getAsLong(), committable.getProducerId(),
                    committable.getEpoch(), answer.brokerView());
        } else {
            LOG.debug("Transaction {} of checkpoint {} not proven committed ({}); committing it",
                    transactionalId, restoredCheckpointId.getAsLong(), answer.brokerView());
        }
        return answer.committed();
    }

    @Override
    public void close() throws IOException {
        try {
            committer.close();
        } finally {
            if (lookup != null) {
                lookup.close();
            }
        }
    }
}
