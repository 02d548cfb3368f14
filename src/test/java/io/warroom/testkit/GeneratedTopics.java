package io.warroom.testkit;

import io.warroom.config.CampaignDefinition;
import io.warroom.model.InputRecord;
import io.warroom.model.OrderEvent;
import io.warroom.model.OrderStatus;
import io.warroom.model.StreamKind;
import io.warroom.serde.EventParser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What the traffic generator wrote to the input topics, read back and computed the simple way, independently of the
 * pipeline: the expected numbers of end-to-end tests.
 */
public final class GeneratedTopics {
    private GeneratedTopics() {}

    /** The contract, the simple way: valid order events, first paid event per order, in the campaign's window. */
    public static long paidGmvCents(String brokers, CampaignDefinition campaign) {
        Set<String> counted = new HashSet<>();
        long gmv = 0;
        for (byte[] value : readAll(brokers, "orders")) {
            InputRecord record = EventParser.parse(StreamKind.ORDER, value, "test");
            OrderEvent order = record.order();
            if (order != null && order.status() == OrderStatus.PAID && campaign.contains(order.ts())
                    && counted.add(order.orderId())) {
                gmv += order.amountCents();
            }
        }
        return gmv;
    }

    /** The user ids of every valid click. */
    public static Set<String> clickUserIds(String brokers) {
        Set<String> users = new HashSet<>();
        for (byte[] value : readAll(brokers, "clicks")) {
            InputRecord record = EventParser.parse(StreamKind.CLICK, value, "test");
            if (record.click() != null) {
                users.add(record.click().userId());
            }
        }
        return users;
    }

    /** Every record value of a topic, from the beginning to its current end. */
    public static List<byte[]> readAll(String brokers, String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "generated-topics-" + UUID.randomUUID());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<byte[]> values = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            var end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    values.add(record.value());
                }
            }
        }
        return values;
    }
}
