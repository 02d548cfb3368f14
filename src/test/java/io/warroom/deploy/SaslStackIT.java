package io.warroom.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.warroom.testkit.CommandRun;
import io.warroom.testkit.Ports;
import io.warroom.testkit.SecuredKafka;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docker-compose.sasl.yml without Docker: the broker configuration that {@code deploy/kafka/sasl/start-kafka.sh}
 * writes, with the users it creates, runs as an in-process broker (ports moved, nothing else changed); the client
 * configuration {@code client-config.sh} writes logs in with SCRAM, and the grants of {@code acls.txt} let the ops
 * principal push a campaign and not the monitor.
 */
class SaslStackIT {
    private static final Map<String, String> PASSWORDS = Map.of("KAFKA_ADMIN_PASSWORD", "admin-password-1",
            "KAFKA_MONITOR_PASSWORD", "monitor-password-1", "KAFKA_INGEST_PASSWORD", "ingest-password-1",
            "KAFKA_OPS_PASSWORD", "ops-password-123");

    @TempDir
    Path dir;

    @Test
    void theComposeBrokerTakesScramClientsAndHoldsThemToTheirGrants() throws Exception {
        Properties config = brokerConfig();
        int internal = Ports.free();
        int external = Ports.free();
        int controller = Ports.free();
        config.put("listeners", "INTERNAL://127.0.0.1:" + internal + ",EXTERNAL://127.0.0.1:" + external
                + ",CONTROLLER://localhost:" + controller);
        config.put("advertised.listeners", "INTERNAL://127.0.0.1:" + internal + ",EXTERNAL://127.0.0.1:" + external);
        config.put("controller.quorum.voters", "1@localhost:" + controller);
        config.put("log.dirs", dir.resolve("logs").toString());

        new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setNodeId(1)
                .setClusterId(Uuid.randomUuid().toString())
                .setDirectories(List.of(dir.resolve("logs").toString()))
                .setMetadataLogDirectory(dir.resolve("logs").toString())
                .setControllerListenerName("CONTROLLER")
                .setScramArguments(scramArguments())
                .run();
        Map<String, Object> settings = new HashMap<>();
        config.forEach((k, v) -> settings.put((String) k, v));
        KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(settings, false), Time.SYSTEM);
        server.startup();
        try {
            String bootstrap = "127.0.0.1:" + external;
            try (Admin admin = Admin.create(clientProperties(bootstrap, "admin", "KAFKA_ADMIN_PASSWORD"))) {
                admin.createTopics(List.of(new NewTopic("campaign-config", 1, (short) 1)
                        .configs(Map.of("cleanup.policy", "compact")))).all().get(30, TimeUnit.SECONDS);
                admin.createAcls(SecuredKafka.grants(Path.of("deploy/kafka/sasl/acls.txt"))).all().get(30, TimeUnit.SECONDS);
            }

            assertThat(push(bootstrap, clientConfig("warroom-ops", "KAFKA_OPS_PASSWORD"))).contains("Published");
            assertThat(push(bootstrap, clientConfig("warroom-monitor", "KAFKA_MONITOR_PASSWORD")))
                    .contains("Publishing to campaign-config failed: Not authorized to access topics: "
                            + "[campaign-config]");
        } finally {
            server.shutdown();
            server.awaitShutdown();
        }
    }

    /** What start-kafka.sh writes, from the environment compose gives it. */
    private Properties brokerConfig() throws Exception {
        ProcessBuilder script = new ProcessBuilder("bash", "deploy/kafka/sasl/start-kafka.sh");
        script.environment().putAll(PASSWORDS);
        script.environment().put("WARROOM_KAFKA_PRINT_CONFIG", "1");
        script.environment().put("WARROOM_KAFKA_CONFIG_DIR", dir.resolve("config").toString());
        String out = run(script);
        Properties config = new Properties();
        config.load(new java.io.StringReader(out));
        assertThat(config.getProperty("listener.security.protocol.map").split(","))
                .as("every listener authenticates").allSatisfy(m -> assertThat(m).contains(":SASL_"));
        return config;
    }

    /** The --add-scram arguments of start-kafka.sh's format step, with the passwords filled in. */
    private static List<String> scramArguments() throws Exception {
        List<String> arguments = new ArrayList<>();
        Matcher scram = Pattern.compile("--add-scram \"([^\"]+)\"")
                .matcher(Files.readString(Path.of("deploy/kafka/sasl/start-kafka.sh")));
        while (scram.find()) {
            String argument = scram.group(1);
            for (Map.Entry<String, String> password : PASSWORDS.entrySet()) {
                argument = argument.replace("$" + password.getKey(), password.getValue());
            }
            arguments.add(argument);
        }
        assertThat(arguments).hasSize(4);
        return arguments;
    }

    /** The --kafka-config file client-config.sh writes. */
    private Path clientConfig(String user, String passwordVariable) throws Exception {
        ProcessBuilder script = new ProcessBuilder("bash", "deploy/kafka/sasl/client-config.sh");
        script.environment().put("WARROOM_KAFKA_USERNAME", user);
        script.environment().put("WARROOM_KAFKA_PASSWORD", PASSWORDS.get(passwordVariable));
        script.environment().put("TMPDIR", dir.toString());
        return Path.of(run(script).strip());
    }

    private String push(String bootstrap, Path kafkaConfig) throws Exception {
        CommandRun push = CommandRun.start("campaign", "push", "jobs/double11-2026.yaml", "--bootstrap-servers",
                bootstrap, "--kafka-config", kafkaConfig.toString());
        assertThat(push.awaitExit(Duration.ofSeconds(60))).as(push.screen()).isNotNull();
        return push.screen();
    }

    private static Properties clientProperties(String bootstrap, String user, String passwordVariable) {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("security.protocol", "SASL_PLAINTEXT");
        props.put("sasl.mechanism", "SCRAM-SHA-512");
        props.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                + user + "\" password=\"" + PASSWORDS.get(passwordVariable) + "\";");
        return props;
    }

    private static String run(ProcessBuilder script) throws Exception {
        Process process = script.redirectErrorStream(true).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        process.getInputStream().transferTo(out);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(text).isZero();
        return text;
    }
}
