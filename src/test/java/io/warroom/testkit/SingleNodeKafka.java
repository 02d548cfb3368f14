package io.warroom.testkit;

import org.apache.kafka.common.test.KafkaClusterTestKit;

/** The broker settings every single-node test cluster of Kafka's test kit needs, in one place. */
public final class SingleNodeKafka {
    private SingleNodeKafka() {}

    /** Adds the single-node settings to a test kit cluster's builder and returns it. */
    public static KafkaClusterTestKit.Builder configure(KafkaClusterTestKit.Builder cluster) {
        return cluster
                // One broker: internal topics cannot have the default three replicas; few partitions start faster.
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("offsets.topic.num.partitions", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("transaction.state.log.num.partitions", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                // Topics are created up front, as in production; a typo must fail rather than create a topic.
                .setConfigProp("auto.create.topics.enable", "false");
    }
}
