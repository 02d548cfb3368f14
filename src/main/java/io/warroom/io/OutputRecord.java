package io.warroom.io;

import com.fasterxml.jackson.databind.JsonNode;
import io.warroom.serde.Json;
import java.nio.charset.StandardCharsets;

/** A serialized output record: Kafka key (null for none) and JSON value. */
public record OutputRecord(byte[] key, byte[] value) {

    public static OutputRecord of(String key, JsonNode value) {
        return new OutputRecord(key == null ? null : key.getBytes(StandardCharsets.UTF_8), Json.toBytes(value));
    }
}
