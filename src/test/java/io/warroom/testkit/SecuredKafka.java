package io.warroom.testkit;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * An in-process KRaft broker that takes only authenticated clients (SASL_PLAINTEXT, PLAIN) and authorizes them by
 * ACLs: warroom's topics, and the grants of {@code deploy/kafka/sasl/acls.txt} for its three principals
 * ({@code warroom-monitor}, {@code warroom-ingest}, {@code warroom-ops}). Everything not granted is refused;
 * {@link #ADMIN} is a super user.
 */
public final class SecuredKafka implements AutoCloseable {
    public static final String ADMIN = "plain-admin";
    public static final List<String> INPUTS = List.of("clicks", "carts", "orders", "inventory");
    public static final List<String> OUTPUTS = List.of("campaign-stats", "campaign-alerts", "rejected-events");
    private static final Map<String, String> PASSWORDS = Map.of(ADMIN, "plain-admin-secret",
            "warroom-monitor", "monitor-secret", "warroom-ingest", "ingest-secret", "warroom-ops", "ops-secret");

    private final KafkaClusterTestKit cluster;
    private final String jaasConfigBefore;

    private SecuredKafka(KafkaClusterTestKit cluster, String jaasConfigBefore) {
        this.cluster = cluster;
        this.jaasConfigBefore = jaasConfigBefore;
    }

    public static SecuredKafka start() throws Exception {
        String jaasConfigBefore = System.getProperty("java.security.auth.login.config");
        StringBuilder users = new StringBuilder();
        PASSWORDS.forEach((user, password) -> users.append(" user_").append(user).append("=\"").append(password)
                .append('"'));
        TestKitNodes nodes = new TestKitNodes.Builder()
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                .setBrokerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT)
                // Over PLAINTEXT the broker would reach its controller as ANONYMOUS, whom the authorizer refuses.
                .setControllerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT)
                .build();
        KafkaClusterTestKit cluster = SingleNodeKafka.configure(new KafkaClusterTestKit.Builder(nodes))
                // The test kit knows two PLAIN users; warroom's principals join them on the client listener.
                .setConfigProp("listener.name.external.plain.sasl.jaas.config",
                        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + ADMIN
                                + "\" password=\"" + PASSWORDS.get(ADMIN) + "\"" + users + ";")
                .build();
        SecuredKafka kafka = new SecuredKafka(cluster, jaasConfigBefore);
        try {
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            try (Admin admin = Admin.create(kafka.clientProperties(ADMIN))) {
                List<NewTopic> topics = new ArrayList<>();
                for (String topic : INPUTS) {
                    topics.add(new NewTopic(topic, 1, (short) 1));
                }
                for (String topic : OUTPUTS) {
                    topics.add(new NewTopic(topic, 1, (short) 1));
                }
                topics.add(new NewTopic("campaign-config", 1, (short) 1)
                        .configs(Map.of("cleanup.policy", "compact")));
                admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
                admin.createAcls(grants(Path.of("deploy/kafka/sasl/acls.txt"))).all().get(30, TimeUnit.SECONDS);
            }
        } catch (Exception | Error e) {
            kafka.close();
            throw e;
        }
        return kafka;
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    public static String password(String principal) {
        return PASSWORDS.get(principal);
    }

    /** Connection settings of {@code principal}, its password included. */
    public Properties clientProperties(String principal) {
        return clientProperties(principal, PASSWORDS.get(principal));
    }

    public Properties clientProperties(String principal, String password) {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrapServers());
        props.putAll(security(principal, password));
        return props;
    }

    /** A {@code --kafka-config} file as a user writes one: the security settings only. */
    public static Path clientConfigFile(Path dir, String principal, String password) throws Exception {
        StringBuilder file = new StringBuilder();
        security(principal, password).forEach((key, value) -> file.append(key).append('=').append(value).append('\n'));
        return Files.writeString(dir.resolve(principal + "-" + Integer.toHexString(password.hashCode())
                + ".properties"), file.toString(), StandardCharsets.UTF_8);
    }

    public KafkaProducer<String, String> producer(String principal) {
        Properties props = clientProperties(principal);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        return new KafkaProducer<>(props);
    }

    /** A read_committed consumer from the earliest offset, in {@code group}. */
    public KafkaConsumer<String, String> consumer(String principal, String group) {
        Properties props = clientProperties(principal);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return new KafkaConsumer<>(props);
    }

    @Override
    public void close() throws Exception {
        try {
            cluster.close();
        } finally {
            // The test kit points the whole JVM at its JAAS file; the tests after this one should not inherit it.
            if (jaasConfigBefore == null) {
                System.clearProperty("java.security.auth.login.config");
            } else {
                System.setProperty("java.security.auth.login.config", jaasConfigBefore);
            }
            javax.security.auth.login.Configuration.setConfiguration(null);
        }
    }

    private static Map<String, String> security(String principal, String password) {
        return Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN", "sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + principal
                        + "\" password=\"" + password + "\";");
    }

    /** The grants of acls.txt: principal, operations, resource type, name, pattern type per line. */
    public static List<AclBinding> grants(Path file) throws Exception {
        List<AclBinding> bindings = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            String grant = line.strip();
            if (grant.isEmpty() || grant.startsWith("#")) {
                continue;
            }
            String[] f = grant.split("\\s+");
            if (f.length != 5) {
                throw new IllegalArgumentException(file + ": not a grant: " + line);
            }
            // The names kafka-acls.sh takes (--topic, --group, --transactional-id; literal, prefixed), as enums.
            ResourcePattern resource = new ResourcePattern(
                    ResourceType.valueOf(f[2].replace("-", "_").toUpperCase(Locale.ROOT)), f[3],
                    PatternType.valueOf(f[4].toUpperCase(Locale.ROOT)));
            for (String operation : f[1].split(",")) {
                bindings.add(new AclBinding(resource, new AccessControlEntry("User:" + f[0], "*",
                        AclOperation.valueOf(operation.toUpperCase(Locale.ROOT)), AclPermissionType.ALLOW)));
            }
        }
        return bindings;
    }
}
