package io.warroom.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.warroom.testkit.SecuredKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka with SASL and ACLs, for real ({@link SecuredKafka}): {@code campaign push} reaches it with
 * {@code --kafka-config} and fails in one line without it, or with a wrong password, or as a principal without the
 * grant; and each of warroom's principals can write its topics of {@code deploy/kafka/sasl/acls.txt} and no other.
 */
class KafkaSecurityIT {
    @TempDir
    static Path dir;

    private static SecuredKafka kafka;
    private static String bootstrap;
    private static Path campaign;
    /** Started first: without credentials the push waits out the admin timeout (30 s) while the others run. */
    private static CompletableFuture<Cli> pushWithoutCredentials;

    @BeforeAll
    static void startBroker() throws Exception {
        kafka = SecuredKafka.start();
        bootstrap = kafka.bootstrapServers();
        campaign = Files.writeString(dir.resolve("raise.yaml"), Files.readString(Path.of("jobs/double11-2026.yaml"))
                .replaceFirst("(?m)^gmv_target: .*$", "gmv_target: \"3000000.00\""));
        pushWithoutCredentials = CompletableFuture.supplyAsync(() -> {
            Cli cli = new Cli();
            cli.run("campaign", "push", campaign.toString(), "--bootstrap-servers", bootstrap);
            return cli;
        });
    }

    @AfterAll
    static void stopBroker() throws Exception {
        try {
            if (pushWithoutCredentials != null) {
                pushWithoutCredentials.get(60, TimeUnit.SECONDS);
            }
        } finally {
            if (kafka != null) {
                kafka.close();
            }
        }
    }

    @Test
    void campaignPushWithTheOpsCredentialsPublishes() throws Exception {
        Cli cli = new Cli();

        int exit = cli.run("campaign", "push", campaign.toString(), "--bootstrap-servers", bootstrap,
                "--kafka-config", config("warroom-ops", SecuredKafka.password("warroom-ops")));

        assertThat(exit).as(cli.err.toString()).isZero();
        assertThat(cli.out.toString()).contains("Published double11-2026", "to campaign-config/0@");
    }

    @Test
    void campaignPushWithoutCredentialsFailsInOneLine() throws Exception {
        Cli cli = pushWithoutCredentials.get(60, TimeUnit.SECONDS);

        assertOneLineRefusal(cli, "Kafka at " + bootstrap + " did not answer within 30 s (is it running, and does it "
                + "need --kafka-config with its security settings?)");
    }

    @Test
    void campaignPushWithAWrongPasswordFailsInOneLine() throws Exception {
        Cli cli = new Cli();

        cli.run("campaign", "push", campaign.toString(), "--bootstrap-servers", bootstrap,
                "--kafka-config", config("warroom-ops", "guessed"));

        assertOneLineRefusal(cli, "Kafka at " + bootstrap + " refused to list topics: Authentication failed: "
                + "Invalid username or password");
    }

    @Test
    void campaignPushByAnotherPrincipalIsRefusedInOneLine() throws Exception {
        Cli cli = new Cli();

        cli.run("campaign", "push", campaign.toString(), "--bootstrap-servers", bootstrap,
                "--kafka-config", config("warroom-ingest", SecuredKafka.password("warroom-ingest")));

        assertOneLineRefusal(cli, "Cannot create topic campaign-config: Authorization failed.");
    }

    @Test
    void kafkaConfigFilesThatCannotBeUsedAreRefusedInOneLine() throws Exception {
        Path missing = dir.resolve("missing.properties");
        Cli cli = new Cli();
        cli.run("campaign", "push", campaign.toString(), "--bootstrap-servers", bootstrap, "--kafka-config",
                missing.toString());
        assertOneLineRefusal(cli, "--kafka-config " + missing + ": no such file");

        Path reserved = Files.writeString(dir.resolve("reserved.properties"),
                "security.protocol=SASL_PLAINTEXT\nbootstrap.servers=elsewhere:9092\n");
        cli = new Cli();
        cli.run("generate", "--bootstrap-servers", bootstrap, "--kafka-config", reserved.toString());
        assertOneLineRefusal(cli, "--kafka-config " + reserved
                + ": bootstrap.servers is set by warroom itself and cannot be given here");

        Path badJaas = Files.writeString(dir.resolve("bad-jaas.properties"),
                "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\nsasl.jaas.config=not a login module\n");
        cli = new Cli();
        cli.run("campaign", "push", campaign.toString(), "--bootstrap-servers", bootstrap, "--kafka-config",
                badJaas.toString());
        assertThat(cli.err.toString().strip()).startsWith("Kafka client settings refused: ").doesNotContain("\n");
    }

    @Test
    void anUnreadableKafkaConfigFileIsRefusedInOneLine() throws Exception {
        Path unreadable = Files.writeString(dir.resolve("unreadable.properties"), "security.protocol=SASL_SSL\n");
        assumeTrue(unreadable.toFile().setReadable(false, false) && !Files.isReadable(unreadable),
                "files stay readable here (running as root?)");
        Cli cli = new Cli();
        cli.run("run", "--campaign", "jobs", "--bootstrap-servers", bootstrap, "--kafka-config",
                unreadable.toString());
        assertOneLineRefusal(cli, "--kafka-config " + unreadable + ": not readable (permission denied)");
    }

    @Test
    void eachPrincipalWritesItsTopicsAndNoOther() {
        for (String topic : SecuredKafka.INPUTS) {
            assertWrites("warroom-ingest", topic, true);
            assertWrites("warroom-monitor", topic, false);
            assertWrites("warroom-ops", topic, false);
        }
        for (String topic : SecuredKafka.OUTPUTS) {
            assertWrites("warroom-monitor", topic, true);
            assertWrites("warroom-ingest", topic, false);
            assertWrites("warroom-ops", topic, false);
        }
        assertWrites("warroom-ops", "campaign-config", true);
        assertWrites("warroom-monitor", "campaign-config", false);
        assertWrites("warroom-ingest", "campaign-config", false);
    }

    private static String config(String principal, String password) throws Exception {
        return SecuredKafka.clientConfigFile(dir, principal, password).toString();
    }

    private static void assertOneLineRefusal(Cli cli, String message) {
        assertThat(cli.err.toString().strip()).isEqualTo(message);
        assertThat(cli.out.toString()).doesNotContain("Published");
    }

    private static void assertWrites(String principal, String topic, boolean allowed) {
        // Keyed: campaign-config is compacted, and a compacted topic refuses records without a key.
        ProducerRecord<String, String> probe = new ProducerRecord<>(topic, "probe", "probe");
        try (KafkaProducer<String, String> producer = kafka.producer(principal)) {
            if (allowed) {
                assertThat(producer.send(probe).get(30, TimeUnit.SECONDS).topic()).isEqualTo(topic);
            } else {
                assertThatThrownBy(() -> producer.send(probe).get(30, TimeUnit.SECONDS))
                        .as("%s writing %s", principal, topic)
                        .isInstanceOf(ExecutionException.class)
                        .hasCauseInstanceOf(TopicAuthorizationException.class);
            }
        } catch (Exception e) {
            throw new AssertionError(principal + " writing " + topic, e);
        }
    }
}
