package io.warroom.io;

import java.io.IOException;
import java.io.Reader;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * Settings that every Kafka client of a command gets on top of its own: security ({@code security.protocol},
 * {@code sasl.*}, {@code ssl.*}) and connection settings, read from a Kafka client properties file
 * ({@code --kafka-config}). The keys whose values warroom decides itself ({@link #RESERVED}: where to connect, groups,
 * serializers, and what exactly-once output rests on) are refused in the file, so nothing in it is silently
 * overridden and nothing in it weakens the output guarantees. Values are never printed: they hold passwords.
 */
public final class KafkaClientConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final Set<String> RESERVED = Set.of(
            "bootstrap.servers", "group.id", "group.instance.id", "transactional.id", "transaction.timeout.ms",
            "isolation.level", "enable.idempotence", "acks", "enable.auto.commit", "auto.offset.reset",
            "key.serializer", "value.serializer", "key.deserializer", "value.deserializer",
            // Settings of Flink's Kafka source that exactly-once and partition discovery depend on.
            "commit.offsets.on.checkpoint", "partition.discovery.interval.ms", "client.id.prefix",
            "register.consumer.metrics");

    private static final KafkaClientConfig NONE = new KafkaClientConfig(Map.of());

    private final Map<String, String> settings;

    private KafkaClientConfig(Map<String, String> settings) {
        this.settings = Collections.unmodifiableMap(new TreeMap<>(settings));
    }

    /** No settings: plaintext, unauthenticated clients. */
    public static KafkaClientConfig none() {
        return NONE;
    }

    /** The given settings, checked as a file's are. */
    public static KafkaClientConfig of(Map<String, String> settings) {
        for (String key : settings.keySet()) {
            if (RESERVED.contains(key)) {
                throw new IllegalArgumentException(key + " is set by warroom itself and cannot be given here");
            }
        }
        return new KafkaClientConfig(settings);
    }

    /**
     * Reads a Kafka client properties file.
     *
     * @throws IllegalArgumentException with a one-line message (without values) if it cannot be read, is not a
     *     properties file, or sets a reserved key
     */
    public static KafkaClientConfig load(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such file");
        } catch (AccessDeniedException e) {
            throw new IllegalArgumentException(file + ": not readable (permission denied)");
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot be read (" + e.getClass().getSimpleName() + ")");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": not a properties file (" + e.getMessage() + ")");
        }
        Map<String, String> settings = new TreeMap<>();
        for (String key : properties.stringPropertyNames()) {
            settings.put(key.strip(), properties.getProperty(key).strip());
        }
        try {
            return of(settings);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage());
        }
    }

    public Map<String, String> settings() {
        return settings;
    }

    public boolean isEmpty() {
        return settings.isEmpty();
    }

    /** Adds the settings to a client's own properties. */
    public Properties applyTo(Properties properties) {
        properties.putAll(settings);
        return properties;
    }

    /** Hands each setting to a builder's {@code setProperty}. */
    public void applyTo(BiConsumer<String, String> setProperty) {
        settings.forEach(setProperty);
    }

    /** The keys only, for messages and logs. */
    @Override
    public String toString() {
        return "KafkaClientConfig" + settings.keySet();
    }
}
