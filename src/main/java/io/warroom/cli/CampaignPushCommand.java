package io.warroom.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.warroom.config.CampaignConfigException;
import io.warroom.config.CampaignLoader;
import io.warroom.config.CampaignUpdateParts;
import io.warroom.config.CampaignVersion;
import io.warroom.io.KafkaAdmin;
import io.warroom.io.KafkaClientConfig;
import io.warroom.serde.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Validates a campaign file and publishes it to the compacted {@code campaign-config} topic, keyed by campaign_id,
 * as JSON with its {@code effective_from}. A running job applies it from that event time on.
 */
@Command(name = "push", mixinStandardHelpOptions = true,
        description = {
            "Validates a campaign file and publishes it to the running monitor's campaign-config topic.",
            "It applies from effective_from (the file's, --effective-from, or now): targets, pacing, safety stock, "
                    + "alert thresholds, new items, or a whole new campaign. start and end of a published "
                    + "campaign cannot change."
        })
final class CampaignPushCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The campaign file (YAML, as in jobs/).")
    Path file;

    @Option(names = "--bootstrap-servers", required = true, paramLabel = "HOST:PORT[,...]",
            description = "Kafka brokers.")
    String bootstrapServers;

    @Mixin
    KafkaClientFlags kafkaClient;

    @Option(names = "--topic", paramLabel = "TOPIC", defaultValue = "campaign-config",
            description = "Topic (default: ${DEFAULT-VALUE}); created compacted if missing.")
    String topic;

    @Option(names = "--effective-from", paramLabel = "TIMESTAMP",
            description = "ISO-8601 time from which it applies, e.g. 2026-11-11T01:00:00+08:00 (default: the "
                    + "file's effective_from, else now).")
    OffsetDateTime effectiveFrom;

    @Option(names = "--dry-run", description = "Validate and print the update, publish nothing.")
    boolean dryRun;

    @Option(names = "--max-record-bytes", paramLabel = "BYTES", defaultValue = "524288",
            description = "Largest record to send (default: ${DEFAULT-VALUE}, half the broker's default limit); a "
                    + "larger campaign goes as item parts and a head, which the job puts back together.")
    int maxRecordBytes;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        KafkaClientConfig kafka;
        try {
            kafka = kafkaClient.config();
        } catch (OptionProblem e) {
            err.println(e.getMessage());
            return 2;
        }
        ObjectNode document;
        CampaignVersion version;
        try {
            JsonNode parsed = Json.readYaml(Files.readAllBytes(file));
            if (parsed == null || !parsed.isObject()) {
                err.println(file + ": must be a mapping of campaign fields");
                return 2;
            }
            document = (ObjectNode) parsed;
            CampaignLoader.inlineItemsFile(document, file);
            if (effectiveFrom != null) {
                document.put(CampaignLoader.EFFECTIVE_FROM, effectiveFrom.toString());
            } else if (!document.hasNonNull(CampaignLoader.EFFECTIVE_FROM)) {
                document.put(CampaignLoader.EFFECTIVE_FROM, Instant.now().toString());
            }
            version = CampaignLoader.parseUpdate(file.toString(), Json.toBytes(document));
        } catch (IOException e) {
            err.println(file + ": " + e.getMessage());
            return 2;
        } catch (CampaignConfigException e) {
            err.println("Campaign update refused:");
            e.problems().forEach(p -> err.println("  " + p));
            return 2;
        }
        if (maxRecordBytes < 4096) {
            err.println("--max-record-bytes must be at least 4096");
            return 2;
        }
        String campaignId = version.definition().campaignId();
        if (dryRun) {
            out.println(Json.toString(document));
            return 0;
        }
        List<CampaignUpdateParts.Piece> pieces = CampaignUpdateParts.split(document, campaignId, maxRecordBytes);
        try {
            KafkaAdmin.createCampaignConfigTopic(bootstrapServers, kafka, topic);
        } catch (IllegalStateException e) {
            err.println(e.getMessage());
            return 2;
        }
        try (KafkaProducer<String, String> producer = producer(kafka)) {
            RecordMetadata sent = null;
            // In order, the head last: a job reading along applies the update once its head is in.
            for (CampaignUpdateParts.Piece piece : pieces) {
                sent = producer.send(new ProducerRecord<>(topic, piece.key(), piece.value())).get();
            }
            out.printf("Published %s, in force from %s, to %s/%d@%d%s.%n", campaignId,
                    Instant.ofEpochMilli(version.effectiveFrom()), sent.topic(), sent.partition(), sent.offset(),
                    pieces.size() == 1 ? "" : " (" + (pieces.size() - 1) + " item parts and a head)");
        } catch (ExecutionException e) {
            // Refused by the broker (an ACL, say): the reason is the message, the trace says nothing more.
            err.println("Publishing to " + topic + " failed: " + e.getCause().getMessage());
            return 1;
        }
        return 0;
    }

    private KafkaProducer<String, String> producer(KafkaClientConfig kafka) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "warroom-campaign-push");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        kafka.applyTo(props);
        return new KafkaProducer<>(props);
    }

}
