package io.warroom.io;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;

/** Topic set-up on any Kafka, embedded or not. */
public final class KafkaAdmin {
    private static final long ADMIN_TIMEOUT_SECONDS = 30;

    private KafkaAdmin() {}

    /**
     * Creates each topic with {@code partitions} partitions and one replica; a topic that already exists is left as
     * it is (whatever its partition count).
     *
     * @throws IllegalStateException if a topic could not be created within 30 s
     */
    public static void createTopics(String bootstrapServers, Collection<String> names, int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("A topic needs at least one partition, not " + partitions);
        }
        List<NewTopic> topics = new ArrayList<>();
        for (String name : names) {
            topics.add(new NewTopic(name, partitions, (short) 1));
        }
        create(bootstrapServers, topics);
    }

    /**
     * Creates the campaign-update topic if missing: one partition, so updates keep their order, and compacted, so
     * it holds the latest definition of every campaign (keyed by campaign_id) for as long as it lives.
     */
    public static void createCampaignConfigTopic(String bootstrapServers, String name) {
        create(bootstrapServers,
                List.of(new NewTopic(name, 1, (short) 1).configs(Map.of("cleanup.policy", "compact"))));
    }

    private static void create(String bootstrapServers, List<NewTopic> topics) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(props)) {
            for (Map.Entry<String, KafkaFuture<Void>> result : admin.createTopics(topics).values().entrySet()) {
                try {
                    result.getValue().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException(
                                "Cannot create topic " + result.getKey() + ": " + e.getCause().getMessage(), e);
                    }
                } catch (TimeoutException e) {
                    throw new IllegalStateException("Topic " + result.getKey() + " was not created within "
                            + ADMIN_TIMEOUT_SECONDS + " s", e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("Interrupted while creating topic " + result.getKey(), e);
                }
            }
        }
    }

}
