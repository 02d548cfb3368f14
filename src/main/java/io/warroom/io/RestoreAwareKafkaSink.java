package io.warroom.io;

import java.io.IOException;
import java.util.Collection;
import java.util.Properties;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.kafka.sink.KafkaCommittable;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaWriterState;
import org.apache.flink.connector.kafka.sink.internal.KafkaCommitter;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.connector.sink2.CommittableMessage;
import org.apache.flink.streaming.api.connector.sink2.SupportsPostCommitTopology;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.lineage.LineageVertex;
import org.apache.flink.streaming.api.lineage.LineageVertexProvider;

/**
 * A {@link KafkaSink} whose committer tells a transaction restored from a checkpoint and committed before the restore
 * from a lost one, instead of reporting both as a fenced producer and likely data loss (see
 * {@link RestoreAwareKafkaCommitter}).
 *
 * <p>Contract: everything but the committer is the wrapped sink's own: writer, writer state and committables with
 * their serializers, and the post-commit topology that co-locates writer and committer. Checkpoints and savepoints
 * taken with the plain {@code KafkaSink} restore into this one and back. Without exactly-once delivery the wrapped
 * sink's committer is used as it is.
 *
 * @param <IN> the records the sink writes
 */
public final class RestoreAwareKafkaSink<IN> implements Sink<IN>, SupportsWriterState<IN, KafkaWriterState>,
        SupportsCommitter<KafkaCommittable>, SupportsPostCommitTopology<KafkaCommittable>, LineageVertexProvider {
    private static final long serialVersionUID = 1L;

    private final KafkaSink<IN> sink;
    private final Properties clientConfig;

    /**
     * @param sink the sink to wrap
     * @param clientConfig the Kafka client settings of {@code sink} (brokers, security), for looking transactions up
     */
    public RestoreAwareKafkaSink(KafkaSink<IN> sink, Properties clientConfig) {
        this.sink = sink;
        this.clientConfig = new Properties();
        this.clientConfig.putAll(clientConfig);
    }

    @Override
    public SinkWriter<IN> createWriter(WriterInitContext context) throws IOException {
        return sink.createWriter(context);
    }

    @Override
    public StatefulSinkWriter<IN, KafkaWriterState> restoreWriter(WriterInitContext context,
            Collection<KafkaWriterState> recoveredState) throws IOException {
        return sink.restoreWriter(context, recoveredState);
    }

    @Override
    public SimpleVersionedSerializer<KafkaWriterState> getWriterStateSerializer() {
        return sink.getWriterStateSerializer();
    }

    @Override
    public Committer<KafkaCommittable> createCommitter(CommitterInitContext context) {
        Committer<KafkaCommittable> committer = sink.createCommitter(context);
        if (!(committer instanceof KafkaCommitter kafkaCommitter)) {
            return committer;
        }
        return new RestoreAwareKafkaCommitter(kafkaCommitter, context.getRestoredCheckpointId(),
                () -> new TransactionLookup(clientConfig));
    }

    @Override
    public SimpleVersionedSerializer<KafkaCommittable> getCommittableSerializer() {
        return sink.getCommittableSerializer();
    }

    @Override
    public void addPostCommitTopology(DataStream<CommittableMessage<KafkaCommittable>> committables) {
        sink.addPostCommitTopology(committables);
    }

    @Override
    public LineageVertex getLineageVertex() {
        return sink.getLineageVertex();
    }
}
