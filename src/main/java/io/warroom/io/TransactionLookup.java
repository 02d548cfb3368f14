package io.warroom.io;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeFeaturesOptions;
import org.apache.kafka.clients.admin.DescribeTransactionsOptions;
import org.apache.kafka.clients.admin.FinalizedVersionRange;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.errors.TransactionalIdNotFoundException;

/**
 * Asks Kafka's transaction coordinator whether one transaction, as a checkpoint recorded it (transactional id,
 * producer id, epoch), has been committed.
 *
 * <p>Contract: {@link #lookUp} answers {@code committed} only when the broker's state proves that exactly this
 * transaction was committed; every other answer means "not proven", never "lost". The proof:
 * <ul>
 *   <li>The cluster runs transaction protocol v2 (KIP-890, finalized {@code transaction.version} 2 or more, the
 *       default of a Kafka 4 cluster). There the coordinator bumps the producer epoch when it ends a transaction, and
 *       again whenever a producer initializes the transactional id; it keeps the latest state of each id only.</li>
 *   <li>A transaction written with producer id {@code P} and epoch {@code e} that was committed leaves its id in
 *       {@code PrepareCommit} (decided and durable in the transaction log; the coordinator writes the commit markers
 *       on its own, just as after a normal commit call returns) or {@code CompleteCommit}, with {@code P} and
 *       {@code e + 1}. Aborted, whether by its producer, by the coordinator's timeout or by a producer that fenced it,
 *       it leaves an abort state or {@code Empty}; any later use of the id moves the epoch past {@code e + 1}.</li>
 *   <li>So a commit state at exactly {@code (P, e + 1)} is this transaction's commit. It could only be another's if
 *       the same id ran a second transaction at epoch {@code e + 1} that a protocol-v1 client ended without a bump;
 *       the sink's default naming (a new transactional id per checkpoint and subtask) never reuses an id that way.</li>
 * </ul>
 * Under protocol v1 (no epoch bump) nothing is proven here: there the broker accepts a retried commit of a committed
 * transaction itself, so the connector raises no false alarm. Neither is anything proven once the broker has
 * forgotten the id ({@code transactional.id.expiration.ms}, 7 days by default), or when the broker cannot be asked.
 *
 * <p>Not thread-safe; one per committer. Closing it closes its admin client.
 */
final class TransactionLookup implements AutoCloseable {
    /** How long the committer may wait for the broker: it runs on the task's thread, holding the job back. */
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /**
     * The broker's answer.
     *
     * @param committed whether the broker proves the transaction committed (see the class comment)
     * @param brokerView what the broker showed, for the log
     */
    record Answer(boolean committed, String brokerView) {}

    private final Admin admin;
    private Boolean protocolV2;
    /** Why the broker could not be asked, once it could not: the rest is not asked either, so waits do not add up. */
    private String unreachable;

    /** @param clientConfig the sink's Kafka client settings: brokers, and security settings if there are any */
    TransactionLookup(Properties clientConfig) {
        Properties config = new Properties();
        config.putAll(clientConfig);
        config.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "warroom-transaction-lookup");
        this.admin = Admin.create(config);
    }

    /** Whether the transaction {@code (transactionalId, producerId, epoch)} is proven committed. */
    Answer lookUp(String transactionalId, long producerId, short epoch) throws InterruptedException {
        if (unreachable != null) {
            return new Answer(false, "broker not asked: " + unreachable);
        }
        try {
            if (!protocolV2()) {
                return new Answer(false, "transaction.version below 2: commits do not bump the epoch");
            }
            TransactionDescription description = admin.describeTransactions(List.of(transactionalId),
                            new DescribeTransactionsOptions().timeoutMs((int) TIMEOUT.toMillis()))
                    .description(transactionalId)
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            TransactionState state = description.state();
            boolean committedState = state == TransactionState.PREPARE_COMMIT
                    || state == TransactionState.COMPLETE_COMMIT;
            boolean sameTransaction = description.producerId() == producerId
                    && description.producerEpoch() == epoch + 1;
            return new Answer(committedState && sameTransaction, state + ", producer id " + description.producerId()
                    + ", epoch " + description.producerEpoch());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TransactionalIdNotFoundException) {
                return new Answer(false, "transactional id unknown to the broker");
            }
            unreachable = String.valueOf(e.getCause());
            return new Answer(false, "broker not asked: " + unreachable);
        } catch (TimeoutException e) {
            unreachable = "no answer within " + TIMEOUT.toSeconds() + " s";
            return new Answer(false, "broker not asked: " + unreachable);
        }
    }

    private boolean protocolV2() throws ExecutionException, InterruptedException, TimeoutException {
        if (protocolV2 == null) {
            FinalizedVersionRange version = admin.describeFeatures(
                            new DescribeFeaturesOptions().timeoutMs((int) TIMEOUT.toMillis()))
                    .featureMetadata()
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .finalizedFeatures()
                    .get("transaction.version");
            protocolV2 = version != null && version.maxVersionLevel() >= 2;
        }
        return protocolV2;
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
