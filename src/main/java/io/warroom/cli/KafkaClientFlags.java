package io.warroom.cli;

import io.warroom.io.KafkaClientConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Kafka client settings (security above all) for every Kafka client a command creates. */
final class KafkaClientFlags {
    @Option(names = "--kafka-config", paramLabel = "FILE",
            description = "Kafka client properties applied to every Kafka client of this command (sources, sinks, "
                    + "admin, producers, consumers), e.g. security.protocol=SASL_SSL, sasl.mechanism=SCRAM-SHA-512, "
                    + "sasl.jaas.config=..., ssl.truststore.location=... (default: plaintext, no authentication).")
    Path file;

    KafkaClientConfig config() throws OptionProblem {
        if (file == null) {
            return KafkaClientConfig.none();
        }
        try {
            return KafkaClientConfig.load(file);
        } catch (IllegalArgumentException e) {
            throw new OptionProblem("--kafka-config " + e.getMessage());
        }
    }
}
