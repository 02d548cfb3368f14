package io.warroom.io;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Topic set-up on any Kafka, embedded or not. Only missing topics are created: an existing topic is left as it is
 * (whatever its partitions and settings), and a client allowed to see a topic but not to create topics (Kafka ACLs)
 * gets by.
 */
public final class KafkaAdmin {
    private static final long ADMIN_TIMEOUT_SECONDS = 30;

    /** How long warroom keeps dead letters when it creates their topic, unless told otherwise. */
    public static final Duration DEFAULT_DEAD_LETTER_RETENTION = Duration.ofDays(7);

    private KafkaAdmin() {}

    /**
     * Creates each topic with {@code partitions} partitions and one replica, over a plaintext connection.
     *
     * @throws IllegalStateException if a topic could not be created within 30 s
     */
    public static void createTopics(String bootstrapServers, Collection<String> names, int partitions) {
        List<NewTopic> topics = new ArrayList<>();
        for (String name : names) {
            topics.add(topic(name, partitions));
        }
        createMissing(bootstrapServers, KafkaClientConfig.none(), topics);
    }

    /** Creates the campaign-update topic if missing (see {@link #campaignConfigTopic}), over a plaintext connection. */
    public static void createCampaignConfigTopic(String bootstrapServers, String name) {
        createCampaignConfigTopic(bootstrapServers, KafkaClientConfig.none(), name);
    }

    public static void createCampaignConfigTopic(String bootstrapServers, KafkaClientConfig client, String name) {
        createMissing(bootstrapServers, client, List.of(campaignConfigTopic(name)));
    }

    /** A topic with {@code partitions} partitions, one replica and the broker's defaults. */
    public static NewTopic topic(String name, int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("A topic needs at least one partition, not " + partitions);
        }
        return new NewTopic(name, partitions, (short) 1);
    }

    /**
     * The campaign-update topic: one partition, so updates keep their order, and compacted, so it holds the latest
     * definition of every campaign (keyed by campaign_id) for as long as it lives.
     */
    public static NewTopic campaignConfigTopic(String name) {
        return new NewTopic(name, 1, (short) 1).configs(Map.of("cleanup.policy", "compact"));
    }

    /** The dead-letter topic: its records carry (redacted) payloads of rejected input, so they expire. */
    public static NewTopic deadLetterTopic(String name, int partitions, Duration retention) {
        return topic(name, partitions).configs(Map.of("retention.ms", Long.toString(retention.toMillis())));
    }

    /**
     * Creates those of the topics that do not exist yet.
     *
     * @throws IllegalStateException if Kafka did not answer, or a topic could not be created, within 30 s
     */
    public static void createMissing(String bootstrapServers, KafkaClientConfig client, List<NewTopic> topics) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TimeUnit.SECONDS.toMillis(ADMIN_TIMEOUT_SECONDS));
        client.applyTo(props);
        try (Admin admin = open(props)) {
            Set<String> existing = await(admin.listTopics().names(), bootstrapServers, "list topics");
            List<NewTopic> missing = topics.stream().filter(t -> !existing.contains(t.name())).toList();
            if (missing.isEmpty()) {
                return;
            }
            for (Map.Entry<String, KafkaFuture<Void>> result : admin.createTopics(missing).values().entrySet()) {
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

    /** An admin client; settings it refuses (a JAAS line that does not parse, say) are the user's to fix. */
    private static Admin open(Properties props) {
        try {
            return Admin.create(props);
        } catch (KafkaException e) {
            throw new IllegalStateException("Kafka client settings refused: " + rootMessage(e), e);
        }
    }

    /** The innermost message: Kafka wraps the reason a client cannot start in "Failed to create ..." layers. */
    static String rootMessage(Throwable e) {
        String message = e.getMessage();
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t.getMessage() != null) {
                message = t.getMessage();
            }
        }
        return message;
    }

    /**
     * A broker that takes only authenticated clients drops a plaintext one without a word, so to the client it looks
     * like no answer at all: the message names both causes.
     */
    private static IllegalStateException noAnswer(String bootstrapServers, Exception e) {
        return new IllegalStateException("Kafka at " + bootstrapServers + " did not answer within "
                + ADMIN_TIMEOUT_SECONDS + " s (is it running, and does it need --kafka-config with its security "
                + "settings?)", e);
    }

    private static <T> T await(KafkaFuture<T> future, String bootstrapServers, String what) {
        try {
            return future.get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw noAnswer(bootstrapServers, e);
            }
            throw new IllegalStateException("Kafka at " + bootstrapServers + " refused to " + what + ": "
                    + e.getCause().getMessage(), e);
        } catch (TimeoutException e) {
            throw noAnswer(bootstrapServers, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for Kafka at " + bootstrapServers, e);
        }
    }
}
