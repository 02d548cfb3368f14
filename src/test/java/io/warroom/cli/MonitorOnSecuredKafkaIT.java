package io.warroom.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.warroom.testkit.CommandRun;
import io.warroom.testkit.FlinkRest;
import io.warroom.testkit.ListeningSockets;
import io.warroom.testkit.ListeningSockets.Listener;
import io.warroom.testkit.Ports;
import io.warroom.testkit.SecuredKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code warroom run} on a Kafka with SASL and ACLs ({@link SecuredKafka}), with the monitor's credentials in
 * {@code --kafka-config} and nothing more than its grants: its admin client, sources and exactly-once sinks all
 * authenticate, it reads what the ingest principal wrote, and it dead-letters a malformed record, redacted, for the
 * ops principal to read.
 */
class MonitorOnSecuredKafkaIT {
    @TempDir
    Path dir;

    @Test
    void theMonitorRunsOnItsOwnGrantsAndDeadLettersWithoutTheUserId() throws Exception {
        assumeTrue(ListeningSockets.readable(), "the test finds the monitor's REST API in /proc to stop it");
        try (SecuredKafka kafka = SecuredKafka.start()) {
            Set<Listener> before = ListeningSockets.ofThisProcess();
            CommandRun run = CommandRun.start("run", "--campaign", "jobs", "--bootstrap-servers",
                    kafka.bootstrapServers(), "--kafka-config", SecuredKafka.clientConfigFile(dir, "warroom-monitor",
                            SecuredKafka.password("warroom-monitor")).toString(),
                    "--checkpoint-interval", "1s", "--checkpoint-dir", dir.resolve("checkpoints").toUri().toString(),
                    "--parallelism", "1", "--metrics-port", Integer.toString(Ports.free()), "--web-cancel");
            FlinkRest rest = FlinkRest.awaitRunningJob(before, Duration.ofSeconds(120));
            try {
                assertThat(rest).as("the monitor running; %s", run.screen()).isNotNull();
                try (KafkaProducer<String, String> ingest = kafka.producer("warroom-ingest")) {
                    ingest.send(new ProducerRecord<>("clicks", "{\"event_id\":\"bad-1\",\"user_id\":\"u-7\",\"ts\":"))
                            .get(30, TimeUnit.SECONDS);
                }
                List<String> deadLetters = new ArrayList<>();
                try (KafkaConsumer<String, String> ops = kafka.consumer("warroom-ops", "warroom-ops-test")) {
                    ops.subscribe(List.of("rejected-events"));
                    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                    while (deadLetters.isEmpty() && System.nanoTime() < deadline && run.running()) {
                        for (ConsumerRecord<String, String> record : ops.poll(Duration.ofMillis(500))) {
                            deadLetters.add(record.value());
                        }
                    }
                }
                assertThat(deadLetters).as(run.screen()).singleElement().asString()
                        .contains("\"stream\":\"clicks\"", "\"reason\":\"malformed_json\"", "bad-1")
                        .doesNotContain("u-7");
            } finally {
                if (rest != null) {
                    rest.send("PATCH", "/jobs/" + rest.jobId() + "?mode=cancel");
                }
                assertThat(run.awaitExit(Duration.ofSeconds(60))).as("the monitor stops when cancelled").isNotNull();
            }
        }
    }
}
